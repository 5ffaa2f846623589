"""`python -m app.cli`: the command line's entry."""

from app.cli import main

main()
