// Suites layer.
