"""``textloop synth``: synthetic examples for the weakest classes, gated, stored, evaluated."""
