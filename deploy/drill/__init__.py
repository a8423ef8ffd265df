"""The deadline-peak drill: load with faults against the local cluster (``make drill``).

``accounting`` is pure (what was lost, doubled, how long errors lasted, the DRILL line) and is
tested with the suite; the rest talks to a running cluster and is never imported by the suite.
"""
