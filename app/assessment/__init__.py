"""Rule sets as data: schema, YAML loader, shipped catalogue and answer validation (pure)."""
