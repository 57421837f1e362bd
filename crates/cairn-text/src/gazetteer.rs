//! Places: a gazetteer of European cities from GeoNames.
