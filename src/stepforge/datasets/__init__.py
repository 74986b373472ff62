"""Record I/O, exporters, curation and the dataset card."""
