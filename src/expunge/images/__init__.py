"""Images in training datasets: read image-text datasets, hash photos perceptually, find a
person's photos (and, opt-in, their face) in them, remove and prove the removal (issue 16)."""
