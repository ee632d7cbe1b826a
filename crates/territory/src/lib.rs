//! Municipalities, their attributes, boundaries and contiguity, and district maps.
