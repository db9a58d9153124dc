//! Any bytes as a ListObjectsV2 answer: the parser must not panic, loop or take long, and what
//! it accepts must keep its promises — names inside the prefix asked for, a token only on a
//! page that says more follow, never an empty name where a key must be.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pail::testing::s3::list::{PageShape, parse_list_page};

/// The ways Pail reads a page: one folder level, a whole tree by relative name, by full key.
const SHAPES: [PageShape<'static>; 4] = [
    PageShape {
        within: "",
        prefix: "",
        keep_marker: false,
    },
    PageShape {
        within: "photos/",
        prefix: "photos/",
        keep_marker: false,
    },
    PageShape {
        within: "photos/",
        prefix: "",
        keep_marker: true,
    },
    PageShape {
        within: "a",
        prefix: "a",
        keep_marker: false,
    },
];

fuzz_target!(|body: &[u8]| {
    for shape in SHAPES {
        let Ok(page) = parse_list_page(body, shape) else {
            continue;
        };
        if let Some(token) = &page.next_token {
            assert!(!token.is_empty());
        }
        for object in &page.objects {
            // Names by full key start with the prefix; relative names are never the marker.
            if shape.prefix.is_empty() {
                assert!(object.name.starts_with(shape.within), "{:?}", object.name);
            }
            if !shape.keep_marker {
                assert!(!object.name.is_empty() || !shape.prefix.is_empty());
            }
            assert!(object.size <= i64::MAX as u64);
        }
        for folder in &page.folders {
            if shape.prefix.is_empty() {
                assert!(folder.starts_with(shape.within), "{folder:?}");
            }
        }
    }
});
