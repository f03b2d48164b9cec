//! Printable pages checked as they print: headless Chromium (from the system packages; `.ci/run`
//! installs it) lays the page out at A4's printable width, reports anything wider than the page,
//! takes a screenshot, and prints it to PDF, whose first page must be A4.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A4 at 96 pixels an inch, less the letters' print margins (25 mm left, 20 mm right, 20 mm top
/// and bottom): 165 mm by 257 mm.
const PRINT_WIDTH_PX: u32 = 624;
const PRINT_HEIGHT_PX: u32 = 971;

/// What the page reports after laying itself out: the elements wider than the printable width.
const MEASURE: &str = r#"<script>
window.addEventListener('load', () => {
  const doc = document.documentElement;
  const width = doc.clientWidth;
  const bad = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.right > width + 0.5 || r.left < -0.5 || e.scrollWidth > e.clientWidth + 1) {
      bad.push(e.tagName + ' ' + (e.textContent || '').trim().slice(0, 60));
    }
  }
  const out = document.createElement('pre');
  out.id = 'overflow-report';
  out.textContent = JSON.stringify({ width: width, scroll: doc.scrollWidth, bad: bad });
  document.body.appendChild(out);
});
</script>"#;

fn chromium() -> &'static str {
    for c in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(c).exists() {
            return c;
        }
    }
    panic!(
        "Chromium must be installed to check printable pages (apt-get install chromium); \
         .ci/run installs it"
    );
}

fn run(dir: &Path, args: &[&str]) -> String {
    let profile = tempfile::tempdir_in(dir).unwrap();
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .output()
        .expect("Chromium could not be started");
    assert!(
        out.status.success(),
        "Chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Where a check keeps its screenshot and PDF, to be looked at: the test's target folder.
fn keep_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("printable");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Check a printable page: laid out at A4's printable width with its print rules in force,
/// nothing is wider than the page; the screenshot is that size; printed to PDF, its first page
/// is A4. Returns the screenshot's path (under the test target folder).
pub fn assert_fits_a4(html: &str, name: &str) -> PathBuf {
    if cfg!(windows) {
        // The Windows tests run under Wine, where no Chromium runs on Windows' paths; the
        // Linux run checks the same HTML.
        eprintln!("{name}: the A4 check skipped on Windows (it needs headless Chromium)");
        return keep_dir().join(format!("{name}.png"));
    }
    let tmp = tempfile::tempdir().unwrap();
    // The print rules apply on screen too, so the layout measured is the printed one.
    let printed = html.replace("@media print", "@media all").replacen(
        "</body>",
        &format!("{MEASURE}</body>"),
        1,
    );
    let page = tmp.path().join(format!("{name}.html"));
    std::fs::write(&page, &printed).unwrap();
    let url = format!("file://{}", page.display());
    let size = format!("--window-size={PRINT_WIDTH_PX},{PRINT_HEIGHT_PX}");

    let dom = run(tmp.path(), &[&size, "--dump-dom", &url]);
    let report = dom
        .split("<pre id=\"overflow-report\">")
        .nth(1)
        .and_then(|r| r.split("</pre>").next())
        .unwrap_or_else(|| panic!("the page {name} never reported its layout:\n{dom}"))
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["width"], PRINT_WIDTH_PX, "{name}: {report}");
    assert!(
        report["scroll"].as_u64().unwrap() <= PRINT_WIDTH_PX as u64,
        "{name}: the page is wider than A4's printable width: {report}"
    );
    assert_eq!(
        report["bad"].as_array().map(Vec::len),
        Some(0),
        "{name}: these run past the edge of the page: {report}"
    );

    let keep = keep_dir();
    let shot = keep.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&shot);
    run(
        tmp.path(),
        &[
            &size,
            &format!("--screenshot={}", shot.display()),
            &format!("file://{}", page.display()),
        ],
    );
    let png = std::fs::read(&shot).expect("the screenshot");
    assert_eq!(&png[1..4], b"PNG", "{name}: a PNG screenshot");
    let dim = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!(
        (dim(16), dim(20)),
        (PRINT_WIDTH_PX, PRINT_HEIGHT_PX),
        "{name}: the screenshot's size"
    );

    // The page as given (its own print rules), printed: the first page is A4.
    let original = tmp.path().join(format!("{name}-as-saved.html"));
    std::fs::write(&original, html).unwrap();
    let pdf = keep.join(format!("{name}.pdf"));
    let _ = std::fs::remove_file(&pdf);
    run(
        tmp.path(),
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
            &format!("file://{}", original.display()),
        ],
    );
    let bytes = std::fs::read(&pdf).expect("the PDF");
    let text = String::from_utf8_lossy(&bytes);
    let a4 = text.match_indices("/MediaBox").any(|(i, _)| {
        let b: Vec<f64> = text[i..]
            .split(['[', ']'])
            .nth(1)
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        b.len() == 4 && (b[2] - 595.0).abs() < 2.0 && (b[3] - 842.0).abs() < 2.0
    });
    assert!(a4, "{name}: the printed page is not A4 ({})", pdf.display());
    shot
}
