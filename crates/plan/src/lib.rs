//! Contiguous districts that meet class thresholds: max-p regionalisation and minimum-change repair.
