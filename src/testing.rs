//! Not API: what the integration tests and benches reach inside Pail, re-exported at the
//! paths they use (`pail::testing::worker::Worker`). The library's API is [`crate::model`],
//! [`crate::share`] and [`crate::s3::connection`]; everything here may change without notice.

#![allow(unreachable_pub)]

pub mod app {
    pub use crate::app::*;
    pub mod buckets {
        pub use crate::app::buckets::state::*;
    }
    pub mod clipboard {
        pub use crate::app::clipboard::*;
    }
    pub mod headers {
        pub mod state {
            pub use crate::app::headers::state::*;
        }
    }
    pub mod modal {
        pub use crate::app::modal::*;
    }
    pub mod picker {
        pub use crate::app::picker::*;
    }
    pub mod state {
        pub use crate::app::state::*;
    }
    pub mod web_url {
        pub mod state {
            pub use crate::app::web_url::state::*;
        }
        pub mod upload_cors {
            pub use crate::app::web_url::upload_cors::*;
        }
    }
    pub mod versions {
        pub use crate::app::versions::ui::version_date;
    }
}
pub mod compare {
    pub use crate::compare::*;
}
pub mod demo {
    pub use crate::demo::*;
    pub mod server {
        pub use crate::demo::server::*;
    }
}
pub mod local_folder {
    pub use crate::local_folder::{LocalFolderError, open_with_default_app};
}
pub mod listing {
    pub use crate::listing::*;
}
pub mod local_time {
    pub use crate::local_time::*;
}
pub mod plan {
    pub use crate::plan::*;
}
pub mod profiles {
    pub use crate::profiles::*;
    pub mod store {
        pub use crate::profiles::store::*;
    }
}
pub mod s3 {
    pub mod bucket_settings {
        pub use crate::s3::bucket_settings::*;
    }
    pub mod buckets {
        pub use crate::s3::buckets::*;
    }
    pub mod cors {
        pub use crate::s3::cors::*;
    }
    pub mod copy_across {
        pub use crate::s3::copy_across::*;
    }
    pub mod download {
        pub use crate::s3::download::*;
    }
    pub mod folder_share {
        pub use crate::s3::folder_share::*;
    }
    pub mod header_batch {
        pub use crate::s3::header_batch::*;
    }
    pub mod header_edit {
        pub use crate::s3::header_edit::*;
    }
    pub mod headers {
        pub use crate::s3::headers::*;
    }
    pub mod list {
        pub use crate::s3::list::*;
    }
    pub mod objects {
        pub use crate::s3::objects::*;
    }
    pub mod rate_limit {
        pub use crate::s3::rate_limit::RateLimit;
    }
    pub mod search {
        pub use crate::s3::search::*;
    }
    pub mod transfer {
        pub use crate::s3::transfer::*;
    }
    pub mod upload {
        pub use crate::s3::upload::*;
    }
    pub mod verify {
        pub use crate::s3::verify::*;
    }
    pub mod versions {
        pub use crate::s3::versions::*;
    }
}
pub mod search {
    pub use crate::search::*;
}
pub mod storage {
    pub mod history {
        pub use crate::storage::history::LinkKind;
    }
    pub mod journal {
        pub use crate::storage::journal::*;
    }
}
pub mod worker {
    pub use crate::worker::*;
}
