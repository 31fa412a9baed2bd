"""Rights requests: company directory, letters, request tracker and deadlines."""
