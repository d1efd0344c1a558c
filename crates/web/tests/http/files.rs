//! Documents (the platform's file store) over HTTP: uploads through the multipart form, downloads
//! byte for byte with safe headers and an audit entry, refusals that store nothing, board-only
//! papers, partnership scope, CSRF on the multipart form, and tampering detected on download.

use crate::helpers::*;
use safeguard_store::files::FileFilter;

pub(crate) const BOUNDARY: &str = "----sgtestboundary7MA4YWxk";

/// A multipart body: (field name, file name for file fields, bytes).
pub(crate) fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut b = Vec::new();
    for (name, filename, data) in fields {
        b.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match filename {
            Some(f) => b.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => b.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        b.extend_from_slice(data);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

async fn post_multipart(app: &TestApp, c: &reqwest::Client, body: Vec<u8>) -> reqwest::Response {
    c.post(app.url("/files"))
        .header("Origin", &app.base)
        .header("Sec-Fetch-Site", "same-origin")
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .expect("post")
}

/// Uploads through the form with the client's CSRF token.
async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    name: &str,
    bytes: &[u8],
    board_only: bool,
) -> reqwest::Response {
    let csrf = app.csrf(c).await;
    let mut fields: Vec<(&str, Option<&str>, &[u8])> = vec![
        ("csrf_token", None, csrf.as_bytes()),
        ("file", Some(name), bytes),
        ("description", None, b"Papers for the meeting"),
    ];
    if board_only {
        fields.push(("board_only", None, b"yes"));
    }
    post_multipart(app, c, multipart(&fields)).await
}

/// Every stored row of the demo partnership (board-only included).
async fn rows(app: &TestApp) -> Vec<safeguard_store::files::StoredFile> {
    let p = app.partnership_id("telford-wrekin").await;
    let mut pc = app.db.acquire().await.expect("acquire");
    let filter = FileFilter {
        include_board: true,
        ..FileFilter::default()
    };
    safeguard_store::files::list(&mut pc.conn(), p, &filter, 1000, 0)
        .await
        .expect("list")
        .0
}

/// Names of the files in the files directory (temporary ones included).
fn files_on_disk(app: &TestApp) -> Vec<String> {
    std::fs::read_dir(&app.svc.config.files_dir)
        .expect("files dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// A minimal XLSX: a ZIP whose central directory lists [Content_Types].xml and xl/ parts.
fn xlsx() -> Vec<u8> {
    let entries: [(&str, &[u8]); 3] = [
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", b"<Relationships/>"),
        ("xl/workbook.xml", b"<workbook/>"),
    ];
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = u32::try_from(out.len()).unwrap();
        let size = u32::try_from(data.len()).unwrap();
        let name_len = u16::try_from(name.len()).unwrap();
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&name_len.to_le_bytes());
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = u32::try_from(out.len()).unwrap();
    let cd_size = u32::try_from(central.len()).unwrap();
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0, 3, 0, 3, 0]);
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

safeguard_testkit::both_backends!(
    upload_list_and_download_byte_for_byte,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in("admin@safeguard.example").await;
        let (status, page) = app.get_text(&c, "/files").await;
        assert_eq!(status, 200);
        assert!(
            page.contains("Upload a document") && page.contains("enctype=\"multipart/form-data\"")
        );
        assert!(
            page.contains("href=\"/files\""),
            "Documents is in the navigation"
        );

        let r = upload(&app, &c, "Board minutes.pdf", PDF, false).await;
        assert_eq!(
            r.status().as_u16(),
            303,
            "{}",
            r.text().await.unwrap_or_default()
        );
        assert_eq!(location(&r), "/files?notice=file-uploaded");
        let sheet = xlsx();
        // Named .xls, detected as XLSX: stored under the detected kind's extension.
        let r = upload(&app, &c, "Budget 2026.xls", &sheet, false).await;
        assert_eq!(r.status().as_u16(), 303);

        let stored = rows(&app).await;
        assert_eq!(stored.len(), 2);
        let (_, page) = app.get_text(&c, "/files").await;
        assert!(page.contains("Board minutes.pdf") && page.contains("Budget 2026.xlsx"));
        assert!(page.contains("2 documents"));

        for (name, bytes, ctype) in [
            ("Board minutes.pdf", PDF.to_vec(), "application/pdf"),
            (
                "Budget 2026.xlsx",
                sheet.clone(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        ] {
            let f = stored.iter().find(|f| f.original_name == name).expect(name);
            assert_eq!(f.sha256, safeguard_domain::files::sha256_hex(&bytes));
            let before = app.audit("telford-wrekin", "file.download").await.len();
            let r = app.get(&c, &format!("/files/{}", f.file_id)).await;
            assert_eq!(r.status().as_u16(), 200);
            assert_eq!(header(&r, "content-type"), ctype);
            assert_eq!(header(&r, "x-content-type-options"), "nosniff");
            assert!(header(&r, "content-security-policy").starts_with("sandbox"));
            assert_eq!(header(&r, "cache-control"), "no-store");
            let cd = header(&r, "content-disposition");
            assert!(cd.starts_with("attachment; "), "{cd}");
            assert!(
                cd.contains(&format!("filename*=UTF-8''{}", name.replace(' ', "%20"))),
                "{cd}"
            );
            assert_eq!(r.bytes().await.unwrap().to_vec(), bytes, "byte for byte");
            let downloads = app.audit("telford-wrekin", "file.download").await;
            assert_eq!(downloads.len(), before + 1);
            assert_eq!(
                downloads[0].target_id.as_deref(),
                Some(f.file_id.to_string().as_str())
            );
        }
        let uploads = app.audit("telford-wrekin", "file.upload").await;
        assert_eq!(uploads.len(), 2);
        let after = uploads[1].after_json.clone().unwrap_or_default();
        assert!(
            after.contains("\"sha256\"")
                && after.contains("Board minutes.pdf")
                && after.contains("\"size_bytes\"")
        );
        assert!(!after.contains("obj <<"), "never the content");

        // The API lists and downloads them too.
        let token =
            safeguard_service::tokens::issue_for_email(&app.svc, "admin@safeguard.example", 30)
                .await
                .unwrap();
        let r = app.api_get(&token, "/api/v1/files").await;
        assert_eq!(r.status().as_u16(), 200);
        let list: serde_json::Value = r.json().await.unwrap();
        assert_eq!(list["total"], 2);
        let id = list["items"][0]["id"].as_str().unwrap().to_owned();
        let r = app.api_get(&token, &format!("/api/v1/files/{id}")).await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(header(&r, "content-disposition").starts_with("attachment"));

        // Deleting: gone from the list and downloads; the row stays for the audit trail.
        let r = app
            .post_with_csrf(&c, &format!("/files/{}/delete", stored[0].file_id), &[])
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(rows(&app).await.len(), 1);
        let r = app.get(&c, &format!("/files/{}", stored[0].file_id)).await;
        assert_eq!(r.status().as_u16(), 404);
        assert_eq!(app.audit("telford-wrekin", "file.delete").await.len(), 1);
    }
);

safeguard_testkit::both_backends!(
    bad_uploads_are_refused_and_nothing_is_stored,
    |backend| async move {
        let app = spawn_app_with(backend, |c| c.upload_limit_bytes = 2000).await;
        let c = app.signed_in("lead@safeguard.example").await;
        let big = {
            let mut b = PDF.to_vec();
            b.resize(3000, b' ');
            b
        };
        let cases: [(&str, &[u8], &str); 6] = [
            (
                "setup.pdf",
                b"MZ\x90\x00\x03\x00\x00\x00",
                "The selected file must be a PDF, Word, Excel, PowerPoint, CSV or image file",
            ),
            (
                "tool.docx",
                b"\x7fELF\x02\x01\x01",
                "The selected file must be a PDF, Word, Excel, PowerPoint, CSV or image file",
            ),
            (
                "page.html",
                b"<!doctype html><script>alert(1)</script>",
                "The selected file must be a PDF, Word, Excel, PowerPoint, CSV or image file",
            ),
            (
                "notes.pdf",
                b"just some notes\n",
                "The selected file must be a PDF, Word, Excel, PowerPoint, CSV or image file",
            ),
            ("empty.pdf", b"", "The selected file is empty"),
            ("large.pdf", &big, "The selected file must be smaller than"),
        ];
        for (name, bytes, message) in cases {
            let r = upload(&app, &c, name, bytes, false).await;
            assert_eq!(r.status().as_u16(), 422, "{name}");
            let page = r.text().await.unwrap();
            assert!(
                error_summary_links_to(&page, "file"),
                "{name}: error summary"
            );
            assert!(page.contains(message), "{name}: {message}");
            assert!(
                page.contains("Papers for the meeting"),
                "{name}: the description is kept"
            );
        }
        // No file chosen at all.
        let csrf = app.csrf(&c).await;
        let r = post_multipart(
            &app,
            &c,
            multipart(&[
                ("csrf_token", None, csrf.as_bytes()),
                ("file", Some(""), b""),
            ]),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("Select a file"));
        // Far over the limit (beyond the form's allowance): 413 with the GOV.UK page, before any handler.
        let huge = vec![b'a'; 200 * 1024];
        let r = upload(&app, &c, "huge.pdf", &huge, false).await;
        assert_eq!(r.status().as_u16(), 413);
        let page = r.text().await.unwrap();
        assert!(
            page.contains("The selected file is too large") && page.contains("govuk-"),
            "{page}"
        );
        assert!(rows(&app).await.is_empty(), "no row");
        assert!(
            files_on_disk(&app).is_empty(),
            "no file: {:?}",
            files_on_disk(&app)
        );
        assert!(app.audit("telford-wrekin", "file.").await.is_empty());
        // Within the limit it works.
        let r = upload(&app, &c, "small.pdf", PDF, false).await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(files_on_disk(&app).len(), 1);
    }
);

safeguard_testkit::both_backends!(board_papers_are_only_for_the_board, |backend| async move {
    let app = spawn_app(backend).await;
    let board = app.signed_in("board@safeguard.example").await;
    let r = upload(&app, &board, "Confidential board paper.pdf", PDF, true).await;
    assert_eq!(r.status().as_u16(), 303);
    let f = rows(&app).await.pop().expect("stored");
    assert!(f.is_board_only());
    let path = format!("/files/{}", f.file_id);
    let (_, page) = app.get_text(&board, "/files").await;
    assert!(page.contains("Confidential board paper.pdf") && page.contains("Board only"));
    assert_eq!(app.get(&board, &path).await.status().as_u16(), 200);

    // A sub-group member: absent from the list, 404 on download, no board-only choice on the form.
    let sub = app.signed_in("subgroup@safeguard.example").await;
    let (status, page) = app.get_text(&sub, "/files").await;
    assert_eq!(status, 200);
    assert!(!page.contains("Confidential board paper"));
    assert!(!page.contains("name=\"board_only\""));
    assert_eq!(app.get(&sub, &path).await.status().as_u16(), 404);
    // Nor can they mark their own upload board-only.
    let r = upload(&app, &sub, "mine.pdf", PDF, true).await;
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(rows(&app).await.len(), 1);
    // Nor delete someone else's file.
    let r = app
        .post_with_csrf(&sub, &format!("{path}/delete"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 404);

    // A person acting in another partnership: 404.
    let lead = app.signed_in("lead@safeguard.example").await;
    app.switch_to(&lead, "telford-wrekin").await;
    let r = upload(&app, &lead, "lead.pdf", PDF, false).await;
    assert_eq!(r.status().as_u16(), 303);
    let lead_file = rows(&app)
        .await
        .into_iter()
        .find(|f| f.original_name == "lead.pdf")
        .expect("lead's file");
    let lead_path = format!("/files/{}", lead_file.file_id);
    assert_eq!(app.get(&lead, &lead_path).await.status().as_u16(), 200);
    app.switch_to(&lead, "shropshire").await;
    assert_eq!(app.get(&lead, &lead_path).await.status().as_u16(), 404);
    assert_eq!(app.get(&lead, &path).await.status().as_u16(), 404);
    let r = app
        .post_with_csrf(&lead, &format!("{lead_path}/delete"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 404);
});

safeguard_testkit::both_backends!(
    the_multipart_form_needs_the_csrf_token,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in("admin@safeguard.example").await;
        let r = post_multipart(&app, &c, multipart(&[("file", Some("a.pdf"), PDF)])).await;
        assert_eq!(r.status().as_u16(), 403);
        let r = post_multipart(
            &app,
            &c,
            multipart(&[("csrf_token", None, b"wrong"), ("file", Some("a.pdf"), PDF)]),
        )
        .await;
        assert_eq!(r.status().as_u16(), 403);
        // A CSRF token hidden inside the file part does not count.
        let csrf = app.csrf(&c).await;
        let r = post_multipart(
            &app,
            &c,
            multipart(&[
                ("csrf_token", Some("x.csv"), csrf.as_bytes()),
                ("file", Some("a.pdf"), PDF),
            ]),
        )
        .await;
        assert_eq!(r.status().as_u16(), 403);
        assert!(rows(&app).await.is_empty());
        assert!(files_on_disk(&app).is_empty());
        // Non-upload routes keep the 1 MiB limit.
        let big = "x".repeat(2 * 1024 * 1024);
        let r = app.post_with_csrf(&c, "/settings", &[("pad", &big)]).await;
        assert_eq!(r.status().as_u16(), 413);
    }
);

safeguard_testkit::both_backends!(
    a_tampered_file_is_refused_on_download,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in("admin@safeguard.example").await;
        assert_eq!(
            upload(&app, &c, "a.pdf", PDF, false)
                .await
                .status()
                .as_u16(),
            303
        );
        let f = rows(&app).await.pop().expect("stored");
        let on_disk = app.svc.config.files_dir.join(&f.storage_key);
        let mut bytes = std::fs::read(&on_disk).unwrap();
        bytes[10] ^= 0x01;
        std::fs::write(&on_disk, &bytes).unwrap();
        let r = app.get(&c, &format!("/files/{}", f.file_id)).await;
        assert_eq!(r.status().as_u16(), 500);
        assert!(header(&r, "content-disposition").is_empty());
        let page = r.text().await.unwrap();
        assert!(reference_of(&page).is_some(), "the page gives a reference");
        assert!(!page.contains("obj <<"));
        assert!(
            app.audit("telford-wrekin", "file.download")
                .await
                .is_empty()
        );
    }
);
