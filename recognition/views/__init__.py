"""Pages of recognition, a module per area: giving and the wall, profiles, insights,
values and settings, points and rewards."""
