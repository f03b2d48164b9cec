// TEMPORARY placeholder while the generator is written; replaced by the real src/demo.rs.
use crate::domain::Staff;
use crate::store::Bulk;
pub fn staff() -> Vec<Staff> {
    vec![Staff {
        id: uuid::Uuid::from_u128(1),
        login: "admin".into(),
        display_name: "Alex Morgan".into(),
        role: crate::domain::Role::Admin,
        active: true,
    }]
}
pub fn demo_bulk(_now: chrono::DateTime<chrono::Utc>) -> Bulk {
    Bulk {
        staff: staff(),
        ..Bulk::default()
    }
}
