use chrono::{TimeZone, Utc};
use safedesk::demo;
use std::io::Write;

#[test]
fn dump() {
    let out = std::env::var("DUMP_OUT").unwrap();
    let mut f = std::fs::File::create(&out).unwrap();
    for now in [
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2025, 3, 30, 0, 30, 0).unwrap(),
        Utc.with_ymd_and_hms(2024, 7, 6, 23, 59, 0).unwrap(),
    ] {
        writeln!(f, "{:#?}", demo::demo_bulk(now)).unwrap();
        writeln!(f, "{:#?}", demo::staff()).unwrap();
        for seed in [1u64, 42, 0xdead_beef] {
            let scale = demo::Scale {
                customers: 3000,
                incidents: 12000,
                restrictions: 600,
            };
            demo::generate(&scale, seed, now, 700, |b| -> Result<(), ()> {
                writeln!(f, "CHUNK {:#?}", b).unwrap();
                Ok(())
            })
            .unwrap();
        }
    }
}
