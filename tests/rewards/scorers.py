"""A step scorer plug-in for ProcessReward (module level: it runs in a worker process)."""


def every_other_wrong(steps, context):
    return [1 if i % 2 == 0 else -1 for i in range(len(steps))]
