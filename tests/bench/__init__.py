"""The benchmark suite (``make bench``): our numbers, each against a baseline measured in the same run."""
