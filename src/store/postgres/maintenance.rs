//! maintenance on the server (being ported from `sqlite/`; issue 21).

use super::prelude::*;

pub(super) fn counts(_s: &mut PgStore) -> Result<Counts> {
    Err(not_yet("counts"))
}

pub(super) fn check(_s: &mut PgStore, _quick: bool) -> Result<CheckReport> {
    Err(not_yet("check"))
}

pub(super) fn backup_to(
    _s: &mut PgStore,
    _dest: &Path,
    _overwrite: bool,
    _progress: &mut dyn FnMut(u64, u64),
) -> Result<BackupReport> {
    Err(not_yet("backup_to"))
}
