"""The fake worlds the tests share, each imported on its own: `atlas` (a 2 km district, its
roads and a dozen items, a `FakeGeocoder`), `gazetteer` (a small gazetteer with real names on
invented shapes), `geodata` (tiny copies of the source files, for the gazetteer build) and
`page` (the app's atlas, with hostile strings). Their coordinates are invented on a 0.01° grid:
they live here, with the tests, not in a shipped package, so that no coordinate in the runtime
or its helpers is written from memory. Built with `geo.testing`'s factory (`fakes`)."""
