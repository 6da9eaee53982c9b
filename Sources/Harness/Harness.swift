// Harness layer.
