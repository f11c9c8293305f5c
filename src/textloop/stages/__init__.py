"""One module (or subpackage) per verb of the loop. No CLI, HTTP or ``sys.exit`` here."""
