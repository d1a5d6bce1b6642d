"""Safety intents: words that mean someone may be at risk, and the panel that answers them first.

Domain code with no Flask: `model` (what an intent is), `matching` (does a text match), `loader`
(read and check `directory_data/search/safety.yaml` and the support services file). The web side is
in `portal.safety.web`."""
