"""Fuzzing the API against its OpenAPI document: a bounded run in the suite, a long one for releases."""
