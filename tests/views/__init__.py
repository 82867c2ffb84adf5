"""The outputs: the table and JSON writers, the pictures, and the explorer page in a browser."""
