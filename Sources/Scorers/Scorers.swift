// Scorers layer.
