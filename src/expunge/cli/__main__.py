"""`python -m expunge.cli ...`: the same as the `expunge` console script."""

from expunge.cli import main

main()
