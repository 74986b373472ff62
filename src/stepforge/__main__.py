from stepforge.cli import main

raise SystemExit(main())
