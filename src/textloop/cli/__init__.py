"""Command-line adapter: parse, call one library function, render. No logic lives here."""
