//! One line of the gazetteer's data file (the format `scripts/build_gazetteer.py` writes), read
//! without allocating. Shared by the library's parser ([`crate::gazetteer::Gazetteer::parse`]) and
//! by build.rs, which reads the embedded file when the crate is built (the same file, so both read
//! it the same way). Depends on nothing else in the crate.

/// How strictly a name must be written to count (see [`crate::gazetteer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Plain,
    Capitalised,
    Context,
}

impl Tier {
    /// The tier's code in the data file (`0`, `1`, `2`).
    pub fn code(self) -> u8 {
        match self {
            Tier::Plain => 0,
            Tier::Capitalised => 1,
            Tier::Context => 2,
        }
    }

    pub fn from_code(code: u8) -> Option<Tier> {
        match code {
            0 => Some(Tier::Plain),
            1 => Some(Tier::Capitalised),
            2 => Some(Tier::Context),
            _ => None,
        }
    }
}

/// What one line of the file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Line<'a> {
    /// `# version: ...`: the data version.
    Version(&'a str),
    /// A comment or an empty line.
    Nothing,
    City(Row<'a>),
}

/// One city, as its line gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    pub geonames_id: u32,
    pub name: &'a str,
    pub ascii_name: &'a str,
    /// ISO 3166-1 alpha-2.
    pub country: &'a str,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
    pub tier: Tier,
    /// The alternate names field: names separated by `|`, `^1` after a capitalised one.
    alternates: &'a str,
}

impl<'a> Row<'a> {
    /// The alternate names with their tiers, in the file's order.
    pub fn alternate_names(&self) -> impl Iterator<Item = (&'a str, Tier)> + use<'a> {
        split_on(self.alternates, '|')
            .filter(|a| !a.is_empty())
            .map(|a| match a.strip_suffix("^1") {
                Some(n) => (n, Tier::Capitalised),
                None => (a, Tier::Plain),
            })
    }
}

/// Reads one line (without its line break); the error is the problem, for the caller to place.
pub fn parse_line(line: &str) -> Result<Line<'_>, &'static str> {
    if let Some(rest) = line.strip_prefix("# version:") {
        return Ok(Line::Version(rest.trim()));
    }
    if line.starts_with('#') || line.trim().is_empty() {
        return Ok(Line::Nothing);
    }
    let f = split_fields::<9>(line, '\t').ok_or("expected 9 tab-separated fields")?;
    let tier = match f[7] {
        "0" => Tier::Plain,
        "1" => Tier::Capitalised,
        "2" => Tier::Context,
        _ => return Err("bad tier"),
    };
    Ok(Line::City(Row {
        geonames_id: f[0].parse().map_err(|_| "bad geonameid")?,
        name: f[1],
        ascii_name: f[2],
        country: f[3],
        lat: f[4].parse().map_err(|_| "bad latitude")?,
        lon: f[5].parse().map_err(|_| "bad longitude")?,
        population: f[6].parse().map_err(|_| "bad population")?,
        tier,
        alternates: f[8],
    }))
}

/// The `N` fields of `line` separated by `sep`, if it has exactly `N`.
fn split_fields<const N: usize>(line: &str, sep: char) -> Option<[&str; N]> {
    let mut out = [""; N];
    let mut parts = split_on(line, sep);
    for slot in &mut out {
        *slot = parts.next()?;
    }
    parts.next().is_none().then_some(out)
}

/// `s.split(sep)` through a one-character set: the gazetteer's fields are short, and the memchr
/// searcher of `str::split(char)`, set up once per field, was a sixth of the gazetteer's build
/// time; a set is matched character by character.
fn split_on(s: &str, sep: char) -> impl Iterator<Item = &str> {
    s.split([sep])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_each_kind() {
        assert_eq!(parse_line("# version: v-1 "), Ok(Line::Version("v-1")));
        assert_eq!(parse_line("# a comment"), Ok(Line::Nothing));
        assert_eq!(parse_line("  "), Ok(Line::Nothing));
        let Ok(Line::City(row)) =
            parse_line("1\tTestville\tTestville\tFR\t1.5\t2.5\t100\t2\tTestburg||Tstv^1")
        else {
            panic!("not a city");
        };
        assert_eq!(
            (row.geonames_id, row.country, row.tier),
            (1, "FR", Tier::Context)
        );
        let names: Vec<(&str, Tier)> = row.alternate_names().collect();
        assert_eq!(
            names,
            [("Testburg", Tier::Plain), ("Tstv", Tier::Capitalised)]
        );
        assert!((0..3).all(|c| Tier::from_code(c).map(Tier::code) == Some(c)));
        assert_eq!(Tier::from_code(3), None);
    }

    proptest::proptest! {
        /// The one-character-set splitter splits as `str::split(char)` does, empty fields
        /// included, and `split_fields` takes exactly `N` of them.
        #[test]
        fn split_on_is_str_split(s in "[a-z\t|é ]{0,40}") {
            for sep in ['\t', '|'] {
                let ours: Vec<&str> = split_on(&s, sep).collect();
                let std: Vec<&str> = s.split(sep).collect();
                proptest::prop_assert_eq!(ours, std);
            }
            let fields = split_fields::<3>(&s, '\t');
            let std: Vec<&str> = s.split('\t').collect();
            proptest::prop_assert_eq!(fields.map(|f| f.to_vec()), (std.len() == 3).then_some(std));
        }
    }
}
