"""Side: the course labs as short, readable scripts; ``neurona lab NAME`` runs them."""
