//! A signed POST form as text people use: boto3-style JSON, a ready-to-run curl command, and a
//! standalone HTML upload page.

use serde_json::{Map, Value, json};

use super::post::PostForm;

/// The placeholder for the file to upload in [`curl_command`].
pub const FILE_PLACEHOLDER: &str = "<FILE>";
/// The placeholder for the content type when the form accepts a prefix of types.
pub const CONTENT_TYPE_PLACEHOLDER: &str = "<CONTENT-TYPE>";

/// `{"url": …, "fields": {…}}`, as boto3's `generate_presigned_post` returns it, fields in
/// form order.
pub fn json(form: &PostForm) -> String {
    let fields: Map<String, Value> = form
        .fields
        .iter()
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    let document = json!({ "url": form.url, "fields": fields });
    serde_json::to_string_pretty(&document).unwrap_or_else(|_| document.to_string())
}

use super::shell::{comment, quote as shell_quote};
use crate::fmt::html_escape;

/// A curl command that uploads a file through the form once [`FILE_PLACEHOLDER`] is replaced
/// with its path. Fields go through `--form-string`, so values are sent as they are (curl would
/// otherwise read `@` and `;type=` in them).
pub fn curl_command(form: &PostForm) -> String {
    let mut lines = vec![format!("curl --fail-with-body {}", shell_quote(&form.url))];
    for (name, value) in &form.fields {
        lines.push(format!(
            "  --form-string {}",
            shell_quote(&format!("{name}={value}"))
        ));
    }
    if form.content_type_prefix.is_some() {
        lines.push(format!(
            "  --form-string {}",
            shell_quote(&format!("Content-Type={CONTENT_TYPE_PLACEHOLDER}"))
        ));
    }
    lines.push(format!(
        "  -F {}",
        shell_quote(&format!("file=@{FILE_PLACEHOLDER}"))
    ));
    let mut text = String::new();
    text.push_str(&format!(
        "# Replace {FILE_PLACEHOLDER} with the path of the file to upload"
    ));
    if let Some(prefix) = &form.content_type_prefix {
        text.push_str(&format!(
            ", and {CONTENT_TYPE_PLACEHOLDER} with its type (it must start with {})",
            comment(prefix)
        ));
    }
    text.push_str(".\n");
    text.push_str(&lines.join(" \\\n"));
    text.push('\n');
    text
}

/// A curl command that uploads a file through a pre-signed PUT `url` once
/// [`FILE_PLACEHOLDER`] is replaced with its path, sending the `headers` the link was signed
/// with.
pub fn put_curl_command(url: &str, headers: &[(String, String)]) -> String {
    let mut command = format!("curl --fail-with-body -T {FILE_PLACEHOLDER}");
    for (name, value) in headers {
        command.push_str(&format!(" -H {}", shell_quote(&format!("{name}: {value}"))));
    }
    command.push_str(&format!(" {}", shell_quote(url)));
    command
}

/// A self-contained upload page: open it in a browser, pick a file, press Upload.
/// `description` is shown above the form (what the form allows, until when).
pub fn html_page(form: &PostForm, title: &str, description: &str) -> String {
    let mut hidden = String::new();
    for (name, value) in &form.fields {
        hidden.push_str(&format!(
            "      <input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            html_escape(name),
            html_escape(value)
        ));
    }
    let content_type = match &form.content_type_prefix {
        Some(prefix) => format!(
            "      <label>Content type <input type=\"text\" name=\"Content-Type\" value=\"{}\" required></label>\n",
            html_escape(prefix)
        ),
        None => String::new(),
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{title}</title>
    <style>
      body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #222; }}
      form {{ display: flex; flex-direction: column; gap: 1rem; padding: 1.5rem; border: 1px solid #ccc; border-radius: 8px; }}
      button {{ align-self: start; padding: 0.5rem 1.5rem; font-size: 1rem; }}
      .note {{ color: #555; }}
    </style>
  </head>
  <body>
    <h1>{title}</h1>
    <p class="note">{description}</p>
    <form action="{action}" method="post" enctype="multipart/form-data">
{hidden}{content_type}      <input type="file" name="file" required>
      <button type="submit">Upload</button>
    </form>
  </body>
</html>
"#,
        title = html_escape(title),
        description = html_escape(description),
        action = html_escape(&form.url),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::expiry::{EffectiveExpiry, Lifetime};
    use std::time::{Duration, SystemTime};

    fn form(prefix: Option<&str>) -> PostForm {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(3600);
        PostForm {
            url: "http://127.0.0.1:9000/bucket/".into(),
            fields: vec![
                ("key".into(), "in/it's ${filename}".into()),
                ("policy".into(), "eyJ9".into()),
            ],
            content_type_prefix: prefix.map(str::to_owned),
            lifetime: Lifetime {
                expires_in: Duration::from_secs(3600),
                expires_at: at,
            },
            effective_expiry: EffectiveExpiry {
                at,
                limited_by_credentials: false,
            },
        }
    }

    #[test]
    fn json_keeps_field_order() {
        let text = json(&form(None));
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["url"], "http://127.0.0.1:9000/bucket/");
        let keys: Vec<_> = value["fields"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["key", "policy"]);
    }

    #[test]
    fn curl_quotes_values_for_the_shell() {
        let text = curl_command(&form(None));
        assert!(
            text.contains(r"--form-string 'key=in/it'\''s ${filename}'"),
            "{text}"
        );
        assert!(text.trim_end().ends_with("-F 'file=@<FILE>'"), "{text}");
        assert!(!text.contains("Content-Type"));
    }

    #[test]
    fn curl_asks_for_a_content_type_when_only_a_prefix_is_fixed() {
        let text = curl_command(&form(Some("image/")));
        assert!(text.contains("'Content-Type=<CONTENT-TYPE>'"), "{text}");
        assert!(text.contains("must start with image/"), "{text}");
    }

    #[test]
    fn html_escapes_everything() {
        let page = html_page(&form(Some("image/")), "Upload <here>", "a & b");
        assert!(page.contains("<title>Upload &lt;here&gt;</title>"));
        assert!(page.contains("value=\"in/it&#39;s ${filename}\""));
        assert!(page.contains("a &amp; b"));
        assert!(page.contains("name=\"Content-Type\" value=\"image/\""));
        let file_input = page.find("type=\"file\"").unwrap();
        assert!(page.rfind("type=\"hidden\"").unwrap() < file_input);
    }
}
