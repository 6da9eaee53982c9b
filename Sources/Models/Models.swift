// Models layer.
