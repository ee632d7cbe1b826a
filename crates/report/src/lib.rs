//! Reports and maps: SVG choropleths, HTML and Markdown scenario reports.

pub mod audit;
pub mod report;
pub mod write;
