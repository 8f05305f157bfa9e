"""The benchmark harness: a national-scale data set and the measurements run against it."""
