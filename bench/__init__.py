"""Benchmarks (`make bench`). Each reports medians and a ratio against a baseline measured in
the same run, so the figures mean the same on a slower or faster machine."""
