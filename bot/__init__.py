"""Teams surface: card builders, verb routes, activity handler, proactive sends, HTTP bridge."""
