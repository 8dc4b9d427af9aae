"""Operations: what a service can ask its conductors to do."""
