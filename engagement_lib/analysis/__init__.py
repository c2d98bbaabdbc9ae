"""Analyses built on the canonical tables.

One concept per module, imported explicitly by the caller (this package
imports none of them, so a slow or optional dependency of one analysis never
burdens another):

* :mod:`engagement_lib.analysis.compare` — fair comparisons between
  collectivités: per-inhabitant and per-follower normalisation, peer strata,
  strategy fingerprints, audience targeting, engagement differences with
  intervals and rankings only where the intervals allow one.
* :mod:`engagement_lib.analysis.responsiveness` — how fast and how often the
  community manager answers: response rate, delay bins, office-hours effect.
* ``timing``, ``events``, ``clusters`` — posting-time effects, event impacts
  and content clusters (see their own docstrings).
"""
