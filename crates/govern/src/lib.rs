//! Assembly design for a district: voting power indices and budget sharing.
