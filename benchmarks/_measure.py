"""Shared measuring helpers of the benchmark scripts.

Peak memory is the process's ``VmHWM`` (peak resident set since its program
started): ``exec`` resets it, whereas ``ru_maxrss`` is inherited by a child from
the parent that forked it (for example the parent that built a 300 MB test
file), which inflates the child's figure. ``PEAK_SNIPPET`` defines the same
``peak_mb()`` inside the source of a measured child process.
"""

from __future__ import annotations

PEAK_SNIPPET = '''
def peak_mb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
'''

exec(PEAK_SNIPPET)  # defines peak_mb() here too, from the one definition
