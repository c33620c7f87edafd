// The scenario `corridor init` writes: small, commented, and valid (a test runs it).
export const STARTER_SCENARIO = `# yaml-language-server: $schema=scenario.schema.json
# A corridor-sim scenario. Reference: docs/format.md. For completion and checks in your
# editor, save the JSON Schema beside this file: corridor schema > scenario.schema.json
name: my-corridor
description: Two ports, one rail line, one sea crossing, one growing flow.
years: { start: 2025, end: 2035 }

# The scenario's own units, defined from mathjs units (t = tonne).
units:
  TEU: 10 t          # loaded container (IMO convention)
  train: 2300 t      # average train movement

# Named numbers that expressions use; change them with --set growth=0.15.
params:
  growth: 0.10

nodes:
  # at: [longitude, latitude] in decimal degrees: reports draw the network on a map.
  - { id: inland, name: Inland terminal, kind: terminal, at: [71.4, 51.2] }
  - { id: port-a, name: Port A, kind: port, capacity: 8, dwell_days: 2, at: [51.2, 43.6] }   # 8 Mt/year
  - { id: port-b, name: Port B, kind: port, capacity: "400000 TEU/year", at: [49.9, 40.4] }

links:
  - id: rail
    from: inland
    to: port-a
    capacity: "12 train/day"   # converted to Mt/year through the train unit
    max_utilization: 0.8       # planning ceiling
    transit_days: 3
  - id: sea
    from: port-a
    to: port-b
    capacity: 6
    availability: 330/365      # storms close the crossing some days
    transit_days: 1

projects:
  - id: rail-second-track
    target: rail
    effect: { multiply: 2 }
    online: 2029
    ramp_years: 2              # ×1.5 in 2029, ×2 from 2030
    capex_musd: 900

flows:
  - id: export
    origin: inland
    destination: port-b
    cargo: general
    demand: "3 * (1 + growth)^(yr - 2025)"   # Mt/year
    routes:
      - { id: rail-sea, via: [rail, sea] }

# What the corridor must achieve: corridor run writes targets.csv, and
# corridor check exits 3 when a target-year is missed (here from 2029, when
# demand outgrows Port B's 400000 TEU/year = 4 Mt/year).
targets:
  - id: export-in-full
    share_served_at_least: 1   # from and to default to the first and last year
`;
