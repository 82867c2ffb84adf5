"""The command line, to the letter: golden transcripts, the README's and the docs' examples, and a clean HOME."""
