"""`python -m expunge.demo OUT_DIR`: write the demo dataset and say what is where."""

from expunge.demo.dataset import main

main()
