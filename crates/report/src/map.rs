//! SVG choropleth maps of municipalities: filled by district or by compliance, with district
//! borders drawn thicker, a legend, a title and a tooltip per municipality.
//!
//! The map is data in, text out: [`Choropleth::to_svg`] reads nothing from disk, and
//! [`Choropleth::write`] writes the file atomically ([`crate::write_atomic`]).
//!
//! Projection: lon/lat boundaries (see [`Boundaries::is_geographic`]) are drawn in an
//! equirectangular projection scaled by cos(φ0) at the middle latitude φ0 of the region, which
//! keeps shapes true within a region the size of Lombardy (scale error under 1.5 % at ±1° from
//! φ0); projected boundaries (metres) are drawn as they are. Either way the map is fitted to
//! the viewBox with north up.

use crate::atomic::{write_atomic, WriteError};
use ambit_territory::{Boundaries, Contiguity, MunicipalityCode, SegmentIndex};
use geo::Coord;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::{self, Write as _};
use std::path::Path;

/// An sRGB colour, written `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// Qualitative palette for districts: ColorBrewer "Set3" (Cynthia Brewer, colorbrewer2.org,
/// Apache-2.0) without its grey, which is kept for municipalities in no district.
pub const DISTRICT_PALETTE: [Rgb; 11] = [
    Rgb(0x8d, 0xd3, 0xc7),
    Rgb(0xff, 0xff, 0xb3),
    Rgb(0xbe, 0xba, 0xda),
    Rgb(0xfb, 0x80, 0x72),
    Rgb(0x80, 0xb1, 0xd3),
    Rgb(0xfd, 0xb4, 0x62),
    Rgb(0xb3, 0xde, 0x69),
    Rgb(0xfc, 0xcd, 0xe5),
    Rgb(0xbc, 0x80, 0xbd),
    Rgb(0xcc, 0xeb, 0xc5),
    Rgb(0xff, 0xed, 0x6f),
];

/// Fill of municipalities in no district.
pub const NO_DISTRICT: Rgb = Rgb(0xbd, 0xbd, 0xbd);

/// Fill of municipalities absent from the fill table.
pub const NO_DATA: Rgb = Rgb(0xf5, 0xf5, 0xf5);

/// How one municipality is filled and what its tooltip adds after its name and code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fill {
    /// Fill colour.
    pub colour: Rgb,
    /// Tooltip text, e.g. the district and its status.
    pub label: String,
}

/// One line of the legend: a swatch and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegendEntry {
    /// Swatch colour.
    pub colour: Rgb,
    /// Text beside the swatch.
    pub label: String,
}

/// A municipality's standing against the reform's rules, for status maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Its district meets the rules.
    Compliant,
    /// Its district falls short.
    NonCompliant,
    /// It belongs to no district.
    NoDistrict,
    /// Its district complies only if a rule whose data is missing applies.
    Unknown,
}

impl Status {
    /// The status colour (ColorBrewer RdYlGn ends for the two verdicts; grey for none).
    pub fn colour(self) -> Rgb {
        match self {
            Self::Compliant => Rgb(0x1a, 0x98, 0x50),
            Self::NonCompliant => Rgb(0xd7, 0x30, 0x27),
            Self::NoDistrict => NO_DISTRICT,
            // ColorBrewer RdYlGn's orange: between the two verdicts.
            Self::Unknown => Rgb(0xfd, 0xae, 0x61),
        }
    }

    /// The legend text.
    pub fn label(self) -> &'static str {
        match self {
            Self::Compliant => "compliant",
            Self::NonCompliant => "non-compliant",
            Self::NoDistrict => "no district",
            Self::Unknown => "undecided (data missing)",
        }
    }

    /// A fill of this status with the given tooltip text.
    pub fn fill(self, label: impl Into<String>) -> Fill {
        Fill {
            colour: self.colour(),
            label: label.into(),
        }
    }

    /// The three legend entries of a status map.
    pub fn legend() -> Vec<LegendEntry> {
        [Self::Compliant, Self::NonCompliant, Self::NoDistrict]
            .into_iter()
            .map(|s| LegendEntry {
                colour: s.colour(),
                label: s.label().to_string(),
            })
            .collect()
    }

    /// The legend of an audit's status map: the three entries, and "undecided" when some
    /// district's verdict waits on missing data.
    pub fn legend_for(audit: &ambit_rules::Audit) -> Vec<LegendEntry> {
        let mut l = Self::legend();
        if audit.summary.unknown_districts > 0 {
            l.insert(
                2,
                LegendEntry {
                    colour: Self::Unknown.colour(),
                    label: Self::Unknown.label().to_string(),
                },
            );
        }
        l
    }
}

/// Colours districts so that neighbouring districts differ.
///
/// Two districts neighbour when any of their municipalities do (bridges included). Greedy
/// colouring in Welsh-Powell order (most neighbours first; Welsh & Powell, *The Computer
/// Journal* 10, 1967): each district takes, among the palette colours none of its coloured
/// neighbours has, the one used least so far (spreading the palette). Only if all 11 are taken
/// by neighbours, which planar maps rarely force, does it reuse the least-used colour.
pub fn district_colours(
    boundaries: &Boundaries,
    contiguity: &Contiguity,
    district_of: &HashMap<MunicipalityCode, String>,
) -> BTreeMap<String, Rgb> {
    let district_at: Vec<Option<&str>> = boundaries
        .features()
        .iter()
        .map(|b| district_of.get(&b.code).map(String::as_str))
        .collect();
    let mut neighbours: BTreeMap<&str, BTreeSet<&str>> = district_of
        .values()
        .map(|d| (d.as_str(), BTreeSet::new()))
        .collect();
    for (i, di) in district_at.iter().enumerate() {
        let Some(di) = di else { continue };
        for &j in contiguity.neighbours(i) {
            if let Some(Some(dj)) = district_at.get(j) {
                if dj != di {
                    neighbours.entry(di).or_default().insert(dj);
                }
            }
        }
    }
    let mut order: Vec<&str> = neighbours.keys().copied().collect();
    order.sort_by(|a, b| neighbours[b].len().cmp(&neighbours[a].len()).then(a.cmp(b)));
    let mut used = [0usize; DISTRICT_PALETTE.len()];
    let mut colour_of: BTreeMap<&str, usize> = BTreeMap::new();
    for d in order {
        let taken: BTreeSet<usize> = neighbours[d]
            .iter()
            .filter_map(|n| colour_of.get(n).copied())
            .collect();
        let pick = (0..DISTRICT_PALETTE.len())
            .filter(|c| !taken.contains(c))
            .min_by_key(|&c| (used[c], c))
            .or_else(|| (0..DISTRICT_PALETTE.len()).min_by_key(|&c| (used[c], c)))
            .unwrap_or(0);
        used[pick] += 1;
        colour_of.insert(d, pick);
    }
    colour_of
        .into_iter()
        .map(|(d, c)| (d.to_string(), DISTRICT_PALETTE[c]))
        .collect()
}

/// Fills and legend of a district map: each municipality takes its district's colour (see
/// [`district_colours`]) and those in no district are grey; the legend lists the districts by
/// name, then "no district" if any municipality has none.
pub fn district_fills(
    boundaries: &Boundaries,
    contiguity: &Contiguity,
    district_of: &HashMap<MunicipalityCode, String>,
) -> (HashMap<MunicipalityCode, Fill>, Vec<LegendEntry>) {
    let colours = district_colours(boundaries, contiguity, district_of);
    let mut fills = HashMap::with_capacity(boundaries.len());
    let mut any_without = false;
    for b in boundaries.features() {
        let fill = match district_of.get(&b.code) {
            Some(d) => Fill {
                colour: colours.get(d).copied().unwrap_or(NO_DISTRICT),
                label: d.clone(),
            },
            None => {
                any_without = true;
                Status::NoDistrict.fill("no district")
            }
        };
        fills.insert(b.code.clone(), fill);
    }
    let mut legend: Vec<LegendEntry> = colours
        .into_iter()
        .map(|(label, colour)| LegendEntry { colour, label })
        .collect();
    if any_without {
        legend.push(LegendEntry {
            colour: NO_DISTRICT,
            label: "no district".into(),
        });
    }
    (fills, legend)
}

/// Fills of a compliance map: each municipality takes its district's status (a district absent
/// from `status_of` counts as no district) with the tooltip "district: status"; those in no
/// district are grey.
pub fn status_fills(
    boundaries: &Boundaries,
    district_of: &HashMap<MunicipalityCode, String>,
    status_of: &HashMap<String, Status>,
) -> HashMap<MunicipalityCode, Fill> {
    boundaries
        .features()
        .iter()
        .map(|b| {
            let fill = match district_of.get(&b.code) {
                Some(d) => {
                    let status = status_of.get(d).copied().unwrap_or(Status::NoDistrict);
                    status.fill(format!("{d}: {}", status.label()))
                }
                None => Status::NoDistrict.fill(Status::NoDistrict.label()),
            };
            (b.code.clone(), fill)
        })
        .collect()
}

/// Fills of a compliance map from an audit: each municipality takes the compliance of its
/// district (`district_of`, by polygon code) with the tooltip `label` writes for that district;
/// municipalities in no district of the audit are grey.
pub fn compliance_fills(
    boundaries: &Boundaries,
    district_of: &HashMap<MunicipalityCode, String>,
    audit: &ambit_rules::Audit,
    label: impl Fn(&ambit_rules::DistrictAudit) -> String,
) -> HashMap<MunicipalityCode, Fill> {
    let verdict: HashMap<&str, &ambit_rules::DistrictAudit> = audit
        .districts
        .iter()
        .map(|d| (d.name.as_str(), d))
        .collect();
    boundaries
        .features()
        .iter()
        .map(|b| {
            let fill = match district_of
                .get(&b.code)
                .and_then(|d| verdict.get(d.as_str()))
            {
                Some(d) if d.compliant => Status::Compliant.fill(label(d)),
                Some(d) if !d.unknown.is_empty() => Status::Unknown.fill(label(d)),
                Some(d) => Status::NonCompliant.fill(label(d)),
                None => Status::NoDistrict.fill("no district"),
            };
            (b.code.clone(), fill)
        })
        .collect()
}

/// What the colours of a district map show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum MapColour {
    /// Each district its own colour, neighbouring districts differing ([`district_colours`]).
    District,
    /// Compliant, non-compliant, no district ([`Status`]).
    Compliance,
}

/// The title of a map of the district map `name` of `ds`: the map first (with the data
/// folder's description of it), then the rules (`policy`, their name) it is measured against,
/// so a 2021 map is not titled with the 2017 policy's name alone.
pub fn map_title(ds: &ambit_territory::Dataset, policy: &str, name: Option<&str>) -> String {
    let Some(name) = name else {
        return format!("No districts, against {policy}");
    };
    let maps = &ds.manifest.district_maps;
    let described = (maps.iter().find(|e| e.name == name)).and_then(|e| e.description.as_deref());
    match described {
        Some(d) => format!("{name}: {d}, against {policy}"),
        None => format!("{name}, against {policy}"),
    }
}

/// The SVG map of an audited district map, as `ambit map` and `ambit plan` draw it: every
/// municipality filled by its district (`colour`), district borders thicker, a tooltip with
/// the district's population, class, threshold and verdict, and a legend.
pub fn audit_map(
    title: &str,
    boundaries: &Boundaries,
    district_of: &HashMap<MunicipalityCode, String>,
    audit: &ambit_rules::Audit,
    colour: MapColour,
) -> String {
    let label = |d: &ambit_rules::DistrictAudit| {
        format!(
            "{}: {} inhabitants, {} ({}), {}",
            d.name,
            ambit_rules::format_count(d.population as f64),
            d.class,
            d.threshold_text,
            d.status
        )
    };
    let (fills, legend) = match colour {
        MapColour::District => {
            let verdict: HashMap<&str, &ambit_rules::DistrictAudit> = audit
                .districts
                .iter()
                .map(|d| (d.name.as_str(), d))
                .collect();
            let contiguity = Contiguity::compute(boundaries, ambit_territory::ContiguityKind::Rook);
            let (mut fills, legend) = district_fills(boundaries, &contiguity, district_of);
            for (code, fill) in fills.iter_mut() {
                if let Some(d) = district_of.get(code).and_then(|d| verdict.get(d.as_str())) {
                    fill.label = label(d);
                }
            }
            (fills, legend)
        }
        MapColour::Compliance => (
            compliance_fills(boundaries, district_of, audit, label),
            Status::legend_for(audit),
        ),
    };
    Choropleth::new(title, boundaries, &fills)
        .with_legend(legend)
        .with_district_borders(district_of)
        .to_svg()
}

/// An SVG choropleth of municipal polygons.
#[derive(Debug, Clone)]
pub struct Choropleth<'a> {
    /// Title printed above the map (and in the SVG `<title>`).
    pub title: String,
    /// The polygons drawn, one `<path class="comune">` each.
    pub boundaries: &'a Boundaries,
    /// Fill of each municipality; those absent are drawn in [`NO_DATA`].
    pub fills: &'a HashMap<MunicipalityCode, Fill>,
    /// Legend lines, in order.
    pub legend: Vec<LegendEntry>,
    /// District of each municipality: when given, borders between different districts (and the
    /// region's outer border) are drawn thicker.
    pub districts: Option<&'a HashMap<MunicipalityCode, String>>,
    /// Width of the whole picture in SVG user units (pixels); the height follows the region.
    pub width: f64,
}

/// Width of the legend column.
const LEGEND_WIDTH: f64 = 280.0;
/// Outer margin.
const MARGIN: f64 = 16.0;
/// Height of the title band.
const TITLE_HEIGHT: f64 = 40.0;
/// Height of one legend line.
const LEGEND_LINE: f64 = 18.0;
/// Offset of the first legend line below the word "Legend".
const LEGEND_TOP: f64 = 24.0;
/// Fewest lines in a legend column, however flat the map.
const MIN_LEGEND_ROWS: usize = 12;
/// Longest label drawn in full in a legend column (13 px sans-serif, 280 px column).
const LEGEND_CHARS: usize = 34;

impl<'a> Choropleth<'a> {
    /// A map of `boundaries` filled by `fills`, 1,200 units wide, with no legend or borders yet.
    pub fn new(
        title: impl Into<String>,
        boundaries: &'a Boundaries,
        fills: &'a HashMap<MunicipalityCode, Fill>,
    ) -> Self {
        Self {
            title: title.into(),
            boundaries,
            fills,
            legend: Vec::new(),
            districts: None,
            width: 1200.0,
        }
    }

    /// Sets the legend.
    pub fn with_legend(mut self, legend: Vec<LegendEntry>) -> Self {
        self.legend = legend;
        self
    }

    /// Draws district borders from this membership.
    pub fn with_district_borders(
        mut self,
        districts: &'a HashMap<MunicipalityCode, String>,
    ) -> Self {
        self.districts = Some(districts);
        self
    }

    /// Writes the SVG to `path` atomically (temporary file in the same folder, then rename).
    pub fn write(&self, path: &Path) -> Result<(), WriteError> {
        write_atomic(path, self.to_svg().as_bytes())
    }

    /// The SVG document.
    pub fn to_svg(&self) -> String {
        let projection = Projection::fit(self.boundaries, self.width - LEGEND_WIDTH - 3.0 * MARGIN);
        let map_height = projection.height;
        // Legends longer than the map is tall flow into extra columns that widen the picture.
        let capacity =
            (((map_height - LEGEND_TOP) / LEGEND_LINE).floor() as usize).max(MIN_LEGEND_ROWS);
        let layout = LegendLayout::of(&self.legend, capacity);
        let columns = layout.columns;
        let legend_height = LEGEND_TOP + layout.lines as f64 * LEGEND_LINE;
        let height = (TITLE_HEIGHT + MARGIN + map_height.max(legend_height) + MARGIN).ceil();
        let width = (self.width + (columns - 1) as f64 * LEGEND_WIDTH).ceil();
        let mut s = String::with_capacity(64 * 1024 + self.boundaries.len() * 600);
        // Writing to a String cannot fail: the fmt::Result values below are always Ok.
        let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif">"#
        );
        let _ = writeln!(s, "<title>{}</title>", escape(&self.title));
        let _ = writeln!(
            s,
            r##"<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>"##
        );
        let _ = writeln!(
            s,
            r#"<text class="title" x="{MARGIN}" y="{}" font-size="22" font-weight="bold">{}</text>"#,
            TITLE_HEIGHT - 10.0,
            escape(&self.title)
        );
        let origin = Coord {
            x: MARGIN,
            y: TITLE_HEIGHT + MARGIN,
        };
        let _ = writeln!(
            s,
            r##"<g class="comuni" transform="translate({} {})" stroke="#ffffff" stroke-width="0.3" stroke-linejoin="round">"##,
            origin.x, origin.y
        );
        for b in self.boundaries.features() {
            let fill = self.fills.get(&b.code);
            let colour = fill.map_or(NO_DATA, |f| f.colour);
            let mut tooltip = match &b.name {
                Some(n) => format!("{n} ({})", b.code),
                None => b.code.to_string(),
            };
            if let Some(f) = fill.filter(|f| !f.label.is_empty()) {
                tooltip.push_str(": ");
                tooltip.push_str(&f.label);
            }
            let _ = write!(
                s,
                r#"<path class="comune" fill="{colour}" fill-rule="evenodd" d=""#
            );
            for polygon in &b.geometry.0 {
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    push_ring(&mut s, &projection, &ring.0);
                }
            }
            let _ = writeln!(s, r#""><title>{}</title></path>"#, escape(&tooltip));
        }
        let _ = writeln!(s, "</g>");
        if let Some(districts) = self.districts {
            let d = district_border_path(self.boundaries, districts, &projection);
            let _ = writeln!(
                s,
                r##"<path class="district-borders" transform="translate({} {})" fill="none" stroke="#252525" stroke-width="1.4" stroke-linejoin="round" stroke-linecap="round" d="{d}"/>"##,
                origin.x, origin.y
            );
        }
        let legend_x = self.width - LEGEND_WIDTH - MARGIN;
        self.push_legend(&mut s, legend_x, origin.y, &layout);
        let _ = writeln!(s, "</svg>");
        s
    }

    fn push_legend(&self, s: &mut String, x: f64, y: f64, layout: &LegendLayout) {
        if self.legend.is_empty() {
            return;
        }
        let _ = writeln!(
            s,
            r#"<g class="legend" transform="translate({x} {y})" font-size="13">"#
        );
        let _ = writeln!(s, r#"<text x="0" y="12" font-weight="bold">Legend</text>"#);
        for (entry, (lines, (column, line))) in self
            .legend
            .iter()
            .zip(layout.wrapped.iter().zip(&layout.place))
        {
            let left = *column as f64 * LEGEND_WIDTH;
            let top = LEGEND_TOP + *line as f64 * LEGEND_LINE;
            // Long labels wrap onto further lines of the column; the full text is the tooltip.
            let mut text = String::new();
            if let [only] = lines.as_slice() {
                text = escape(only);
            }
            for (k, l) in lines.iter().enumerate().filter(|_| lines.len() > 1) {
                let _ = write!(
                    text,
                    r#"<tspan x="{}" dy="{}">{}</tspan>"#,
                    left + 22.0,
                    if k == 0 { 0.0 } else { LEGEND_LINE },
                    escape(l)
                );
            }
            let _ = writeln!(
                s,
                r##"<g class="legend-entry"><title>{}</title><rect x="{left}" y="{top}" width="14" height="14" fill="{}" stroke="#636363" stroke-width="0.5"/><text x="{}" y="{}">{text}</text></g>"##,
                escape(&entry.label),
                entry.colour,
                left + 22.0,
                top + 12.0,
            );
        }
        let _ = writeln!(s, "</g>");
    }
}

/// Most lines one legend label wraps onto before it is shortened with an ellipsis.
const LEGEND_MAX_LINES: usize = 3;

/// Where each legend entry goes: its label wrapped to the column width, its column and first
/// line; entries flow down a column of `capacity` lines, then into the next column.
#[derive(Debug)]
struct LegendLayout {
    wrapped: Vec<Vec<String>>,
    place: Vec<(usize, usize)>,
    columns: usize,
    /// Lines of the tallest column.
    lines: usize,
}

impl LegendLayout {
    fn of(legend: &[LegendEntry], capacity: usize) -> Self {
        let wrapped: Vec<Vec<String>> = legend.iter().map(|e| wrap(&e.label)).collect();
        let mut place = Vec::with_capacity(legend.len());
        let (mut column, mut line, mut lines) = (0, 0, 0);
        for w in &wrapped {
            if line > 0 && line + w.len() > capacity {
                column += 1;
                line = 0;
            }
            place.push((column, line));
            line += w.len();
            lines = lines.max(line);
        }
        Self {
            wrapped,
            place,
            columns: column + 1,
            lines,
        }
    }
}

/// A label broken at spaces into lines of at most [`LEGEND_CHARS`] characters (a word longer
/// than that is cut), at most [`LEGEND_MAX_LINES`] lines, the last ending in `…` if the text
/// goes on.
fn wrap(label: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in label.split_whitespace() {
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if !current.is_empty() && needed > LEGEND_CHARS {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    let mut out: Vec<String> = lines
        .into_iter()
        .map(|l| {
            if l.chars().count() > LEGEND_CHARS {
                let mut t: String = l.chars().take(LEGEND_CHARS - 1).collect();
                t.push('…');
                t
            } else {
                l
            }
        })
        .collect();
    if out.len() > LEGEND_MAX_LINES {
        out.truncate(LEGEND_MAX_LINES);
        let last = &mut out[LEGEND_MAX_LINES - 1];
        let mut t: String = last.chars().take(LEGEND_CHARS - 1).collect();
        t.push('…');
        *last = t;
    }
    out
}

/// Maps boundary coordinates to SVG user units inside a box of the given width.
#[derive(Debug, Clone, Copy)]
struct Projection {
    min_x: f64,
    max_y: f64,
    x_factor: f64,
    scale: f64,
    height: f64,
}

impl Projection {
    fn fit(boundaries: &Boundaries, width: f64) -> Self {
        let Some(bbox) = boundaries.bbox() else {
            return Self {
                min_x: 0.0,
                max_y: 0.0,
                x_factor: 1.0,
                scale: 1.0,
                height: 0.0,
            };
        };
        // Equirectangular with standard parallel at the middle latitude (Snyder, *Map
        // Projections: A Working Manual*, 1987, p. 90): x = λ·cos φ0, y = φ.
        let x_factor = if boundaries.is_geographic() {
            ((bbox.min().y + bbox.max().y) / 2.0).to_radians().cos()
        } else {
            1.0
        };
        let span_x = (bbox.width() * x_factor).max(f64::MIN_POSITIVE);
        let scale = width.max(1.0) / span_x;
        Self {
            min_x: bbox.min().x,
            max_y: bbox.max().y,
            x_factor,
            scale,
            height: bbox.height() * scale,
        }
    }

    fn project(&self, c: Coord<f64>) -> (f64, f64) {
        let x = (c.x - self.min_x) * self.x_factor * self.scale;
        let y = (self.max_y - c.y) * self.scale;
        // One decimal is a tenth of a pixel: finer digits only make the file bigger.
        ((x * 10.0).round() / 10.0, (y * 10.0).round() / 10.0)
    }
}

/// Appends `M x y L x y ... Z` for a closed ring, skipping points that round onto the previous.
fn push_ring(s: &mut String, projection: &Projection, ring: &[Coord<f64>]) {
    let open = match ring.split_last() {
        Some((last, rest)) if Some(last) == rest.first() => rest,
        _ => ring,
    };
    let mut previous = None;
    for (k, &c) in open.iter().enumerate() {
        let p = projection.project(c);
        if previous == Some(p) {
            continue;
        }
        let _ = write!(s, "{}{} {}", if k == 0 { "M" } else { "L" }, p.0, p.1);
        previous = Some(p);
    }
    s.push('Z');
}

/// Path data of the borders between different districts and of the region's outer border.
///
/// The dissolve keeps a unit's segment when the unit across it (found in the exact
/// [`SegmentIndex`], the same segment keys as rook contiguity) is in another district or there
/// is none; each shared segment is drawn once, from its lower-indexed side. Runs of kept
/// segments along a ring become one polyline.
fn district_border_path(
    boundaries: &Boundaries,
    districts: &HashMap<MunicipalityCode, String>,
    projection: &Projection,
) -> String {
    let index = SegmentIndex::build(boundaries);
    let district_at: Vec<Option<&String>> = boundaries
        .features()
        .iter()
        .map(|b| districts.get(&b.code))
        .collect();
    let mut d = String::new();
    for (i, b) in boundaries.features().iter().enumerate() {
        for polygon in &b.geometry.0 {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                let mut drawing = false;
                for w in ring.0.windows(2) {
                    let keep = match index.across(i, w[0], w[1]) {
                        None => w[0] != w[1],
                        Some(j) => i < j && district_at[i] != district_at[j],
                    };
                    if keep {
                        if !drawing {
                            let (x, y) = projection.project(w[0]);
                            let _ = write!(d, "M{x} {y}");
                        }
                        let (x, y) = projection.project(w[1]);
                        let _ = write!(d, "L{x} {y}");
                    }
                    drawing = keep;
                }
            }
        }
    }
    d
}

/// Escapes text for XML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab/newline are not allowed in XML 1.0.
            c if c.is_control() && c != '\t' && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            escape("Ca' d'Andrea <x> & \"y\"\u{1}"),
            "Ca&apos; d&apos;Andrea &lt;x&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn colours_print_as_hex() {
        assert_eq!(Rgb(0x1a, 0x98, 0x50).to_string(), "#1a9850");
    }
}
