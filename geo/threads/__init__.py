"""Threads: one project followed across reports (`links`), and its printed timeline
(`track`)."""

from __future__ import annotations

from geo.threads.links import (
    candidate_links,
    link_threads,
    publication_order,
    thread_table,
    timeline,
    with_threads,
)

__all__ = [
    "candidate_links",
    "link_threads",
    "publication_order",
    "thread_table",
    "timeline",
    "with_threads",
]
