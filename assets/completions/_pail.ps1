
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'pail' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'pail'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'pail' {
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Open the window on an embedded S3 server with sample data (no AWS account needed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('presign', 'presign', [CompletionResultType]::ParameterValue, 'Print a pre-signed URL that downloads (GET) or uploads (PUT) one object')
            [CompletionResult]::new('presign-post', 'presign-post', [CompletionResultType]::ParameterValue, 'Print a pre-signed POST form that lets a browser or curl upload files')
            [CompletionResult]::new('presign-cloudfront', 'presign-cloudfront', [CompletionResultType]::ParameterValue, 'Print a CloudFront signed URL (links that last past 7 days)')
            [CompletionResult]::new('share', 'share', [CompletionResultType]::ParameterValue, 'Share a folder as one link (an index page), or print a link per object as CSV/JSON')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List buckets, a folder, or (--recursive) everything under a prefix')
            [CompletionResult]::new('find', 'find', [CompletionResultType]::ParameterValue, 'Find objects anywhere under a prefix by name, path, size or date; one key a line')
            [CompletionResult]::new('headers', 'headers', [CompletionResultType]::ParameterValue, 'Show an object''s headers, metadata and tags, or edit them on objects (each copied onto itself, keeping everything the edit does not name)')
            [CompletionResult]::new('upload-headers', 'upload-headers', [CompletionResultType]::ParameterValue, 'A bucket''s default headers for uploads, by pattern (`*.html` → Content-Type)')
            [CompletionResult]::new('cp', 'cp', [CompletionResultType]::ParameterValue, 'Copy files and folders between disk and S3, or between buckets on the server')
            [CompletionResult]::new('mb', 'mb', [CompletionResultType]::ParameterValue, 'Make a bucket (Block Public Access on, as AWS does)')
            [CompletionResult]::new('rb', 'rb', [CompletionResultType]::ParameterValue, 'Delete an empty bucket; with --force, empty it of every version first')
            [CompletionResult]::new('bucket', 'bucket', [CompletionResultType]::ParameterValue, 'A bucket''s properties: info, versioning, CORS rules')
            [CompletionResult]::new('demo-server', 'demo-server', [CompletionResultType]::ParameterValue, 'Run the demo S3 server (sample data, loopback only) until Ctrl+C, for trying the CLI')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'Saved and discovered profiles')
            [CompletionResult]::new('install-desktop', 'install-desktop', [CompletionResultType]::ParameterValue, 'Add Pail to this person''s applications menu, with its icons (Linux; no root needed)')
            [CompletionResult]::new('uninstall-desktop', 'uninstall-desktop', [CompletionResultType]::ParameterValue, 'Remove what install-desktop added')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script, e.g. `pail completions bash > ~/.local/share/bash-completion/completions/pail`')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff), e.g. `pail man > pail.1`, or write them all (--out-dir)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pail;presign' {
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'Lifetime: seconds, or 30d, 720h, 45m; up to 7 days, or the profile''s max_link_lifetime [default: 3600]')
            [CompletionResult]::new('--expires-at', '--expires-at', [CompletionResultType]::ParameterName, 'Moment of expiry: RFC 3339 (2026-12-05T17:00:00+01:00) or local "YYYY-MM-DD HH:MM"')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'GET downloads the object; PUT uploads to its key')
            [CompletionResult]::new('--content-disposition', '--content-disposition', [CompletionResultType]::ParameterName, 'GET: the Content-Disposition S3 answers with, e.g. ''attachment; filename="a.pdf"''')
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'GET: the Content-Type S3 answers with. PUT: the Content-Type the upload must send')
            [CompletionResult]::new('--version-id', '--version-id', [CompletionResultType]::ParameterName, 'GET: a link to this version of the object (`pail ls --versions` lists them); it serves that version whatever is written later')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Make the link on this host instead of the endpoint''s, e.g. https://cdn.example.com/. A signed link is made on it only with --host-kind server or bucket-host')
            [CompletionResult]::new('--host-kind', '--host-kind', [CompletionResultType]::ParameterName, 'What answers at --base-url; it decides which links can use it')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile from ~/.aws/config or ~/.aws/credentials')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region to sign for (default: the bucket''s own region, found by asking S3)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)')
            [CompletionResult]::new('--http', '--http', [CompletionResultType]::ParameterName, 'Make an http:// link (the link then travels in clear text)')
            [CompletionResult]::new('--no-overwrite', '--no-overwrite', [CompletionResultType]::ParameterName, 'PUT: refuse the upload if the key exists (signs `If-None-Match: *` into the link)')
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'Also draw the link as a QR code in the terminal (on stderr: stdout stays the URL)')
            [CompletionResult]::new('--public', '--public', [CompletionResultType]::ParameterName, 'An unsigned link that never expires: printed once an unsigned request shows the object opens for anyone; refused (exit 1, the reason on stderr) when it does not')
            [CompletionResult]::new('--even-if-private', '--even-if-private', [CompletionResultType]::ParameterName, 'With --public: print the link even when the check fails (the reason is a warning)')
            [CompletionResult]::new('--path-style', '--path-style', [CompletionResultType]::ParameterName, 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pail;presign-post' {
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Largest accepted file, in bytes')
            [CompletionResult]::new('--min-size', '--min-size', [CompletionResultType]::ParameterName, 'Smallest accepted file, in bytes')
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'Required content type; a value ending in ''/'' or ''/*'' (image/) accepts any subtype')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'Lifetime: seconds, or 30d, 720h, 45m; up to 7 days, or the profile''s max_link_lifetime [default: 3600]')
            [CompletionResult]::new('--expires-at', '--expires-at', [CompletionResultType]::ParameterName, 'Moment of expiry: RFC 3339 (2026-12-05T17:00:00+01:00) or local "YYYY-MM-DD HH:MM"')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile from ~/.aws/config or ~/.aws/credentials')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region to sign for (default: the bucket''s own region, found by asking S3)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Accept any key starting with KEY; the uploaded file''s name completes it')
            [CompletionResult]::new('--http', '--http', [CompletionResultType]::ParameterName, 'Make the form post to an http:// URL')
            [CompletionResult]::new('--path-style', '--path-style', [CompletionResultType]::ParameterName, 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pail;presign-cloudfront' {
            [CompletionResult]::new('--key-id', '--key-id', [CompletionResultType]::ParameterName, 'The ID of the public key the distribution trusts (CloudFront console → Public keys)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'The matching RSA private key, a PEM file (never printed)')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'Lifetime in seconds (no 7-day limit: CloudFront links may last months)')
            [CompletionResult]::new('--expires-at', '--expires-at', [CompletionResultType]::ParameterName, 'Moment of expiry: RFC 3339 (2027-06-01T12:00:00+02:00) or local "YYYY-MM-DD HH:MM"')
            [CompletionResult]::new('--not-before', '--not-before', [CompletionResultType]::ParameterName, 'The link works from this moment on (makes a custom policy)')
            [CompletionResult]::new('--ip-range', '--ip-range', [CompletionResultType]::ParameterName, 'Only requests from this address or CIDR range (makes a custom policy)')
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'Also draw the link as a QR code in the terminal (on stderr: stdout stays the URL)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;share' {
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'Lifetime: seconds, or 30d, 720h, 45m; up to 7 days, or the profile''s max_link_lifetime [default: 3600]')
            [CompletionResult]::new('--expires-at', '--expires-at', [CompletionResultType]::ParameterName, 'Moment of expiry: RFC 3339 (2026-12-05T17:00:00+01:00) or local "YYYY-MM-DD HH:MM"')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--page-bucket', '--page-bucket', [CompletionResultType]::ParameterName, 'Put the index page in this bucket instead of the folder''s own')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile from ~/.aws/config or ~/.aws/credentials')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region to sign for (default: the bucket''s own region, found by asking S3)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Share more than 1,000 objects without being asked to confirm')
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'Also draw the page''s link as a QR code on stderr (--format url)')
            [CompletionResult]::new('--path-style', '--path-style', [CompletionResultType]::ParameterName, 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pail;ls' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile from ~/.aws/config or ~/.aws/credentials')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region to sign for (default: the bucket''s own region, found by asking S3)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Every object under the prefix, at any depth, with its full key')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Every object under the prefix, at any depth, with its full key')
            [CompletionResult]::new('--versions', '--versions', [CompletionResultType]::ParameterName, 'Every version and delete marker of the folder''s objects: date, size, latest, kind (object or marker), version id, name')
            [CompletionResult]::new('--path-style', '--path-style', [CompletionResultType]::ParameterName, 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;find' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A glob matched against each key''s last segment, as `find -name` does (`*.pdf`)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'A glob matched against each key''s path below the folder searched: `*` and `?` stay within one segment, `**` crosses them (`**/2026-??/*.csv`)')
            [CompletionResult]::new('--regex', '--regex', [CompletionResultType]::ParameterName, 'A regular expression found anywhere in the path below the folder searched (anchor it with ^ and $)')
            [CompletionResult]::new('--contains', '--contains', [CompletionResultType]::ParameterName, 'Text found anywhere in the path below the folder searched')
            [CompletionResult]::new('--min-size', '--min-size', [CompletionResultType]::ParameterName, 'At least this many bytes (K, M, G or T after the number counts in 1024s)')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'At most this many bytes')
            [CompletionResult]::new('--newer-than', '--newer-than', [CompletionResultType]::ParameterName, 'Modified at or after: a date or time in UTC (2026-03-01, 2026-03-01T14:30) or with its offset (2026-03-01T14:30:00+02:00)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Modified before (as --newer-than)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile from ~/.aws/config or ~/.aws/credentials')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region to sign for (default: the bucket''s own region, found by asking S3)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)')
            [CompletionResult]::new('--case-sensitive', '--case-sensitive', [CompletionResultType]::ParameterName, 'Match case exactly (case is ignored otherwise)')
            [CompletionResult]::new('--path-style', '--path-style', [CompletionResultType]::ParameterName, 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;headers' {
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'Set Content-Type (`text/html; charset=utf-8`)')
            [CompletionResult]::new('--cache-control', '--cache-control', [CompletionResultType]::ParameterName, 'Set Cache-Control (`public, max-age=31536000`)')
            [CompletionResult]::new('--content-disposition', '--content-disposition', [CompletionResultType]::ParameterName, 'Set Content-Disposition (`attachment; filename="report.pdf"`)')
            [CompletionResult]::new('--content-encoding', '--content-encoding', [CompletionResultType]::ParameterName, 'Set Content-Encoding (`gzip`)')
            [CompletionResult]::new('--content-language', '--content-language', [CompletionResultType]::ParameterName, 'Set Content-Language (`en`)')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'Set Expires: a date or time in UTC (2027-01-01, 2027-01-01T12:00) or with its offset')
            [CompletionResult]::new('--remove-header', '--remove-header', [CompletionResultType]::ParameterName, 'Remove a header (repeat for several)')
            [CompletionResult]::new('--meta', '--meta', [CompletionResultType]::ParameterName, 'Set user metadata (x-amz-meta-NAME); repeat for several')
            [CompletionResult]::new('--metadata', '--metadata', [CompletionResultType]::ParameterName, 'Set user metadata (x-amz-meta-NAME); repeat for several')
            [CompletionResult]::new('--remove-meta', '--remove-meta', [CompletionResultType]::ParameterName, 'Remove user metadata by name; repeat for several')
            [CompletionResult]::new('--storage-class', '--storage-class', [CompletionResultType]::ParameterName, 'Set the storage class (STANDARD, STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR, …)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Set a tag; repeat for several (the others are kept)')
            [CompletionResult]::new('--remove-tag', '--remove-tag', [CompletionResultType]::ParameterName, 'Remove a tag by key; repeat for several')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile from ~/.aws/config or ~/.aws/credentials')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region to sign for (default: the bucket''s own region, found by asking S3)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Every object below each folder given')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Every object below each folder given')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would change on each object, and change nothing')
            [CompletionResult]::new('--path-style', '--path-style', [CompletionResultType]::ParameterName, 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;upload-headers' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Print every rule (or one bucket''s), one a line')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Add a rule, or replace the bucket''s rule with the same pattern')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove the bucket''s rule with this pattern')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pail;upload-headers;list' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;upload-headers;set' {
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'Set Content-Type (`text/html; charset=utf-8`)')
            [CompletionResult]::new('--cache-control', '--cache-control', [CompletionResultType]::ParameterName, 'Set Cache-Control (`public, max-age=31536000`)')
            [CompletionResult]::new('--content-disposition', '--content-disposition', [CompletionResultType]::ParameterName, 'Set Content-Disposition (`attachment; filename="report.pdf"`)')
            [CompletionResult]::new('--content-encoding', '--content-encoding', [CompletionResultType]::ParameterName, 'Set Content-Encoding (`gzip`)')
            [CompletionResult]::new('--content-language', '--content-language', [CompletionResultType]::ParameterName, 'Set Content-Language (`en`)')
            [CompletionResult]::new('--meta', '--meta', [CompletionResultType]::ParameterName, 'User metadata (x-amz-meta-NAME); repeat for several')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;upload-headers;remove' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;upload-headers;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Print every rule (or one bucket''s), one a line')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Add a rule, or replace the bucket''s rule with the same pattern')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove the bucket''s rule with this pattern')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pail;upload-headers;help;list' {
            break
        }
        'pail;upload-headers;help;set' {
            break
        }
        'pail;upload-headers;help;remove' {
            break
        }
        'pail;upload-headers;help;help' {
            break
        }
        'pail;cp' {
            [CompletionResult]::new('--limit-rate', '--limit-rate', [CompletionResultType]::ParameterName, 'At most RATE bytes a second for the whole batch, all files together: K, M or G after the number counts in 1024s (500K, 5M, 1.5G), a plain number is bytes. Holds for uploads and downloads; a copy from bucket to bucket is made by the server and moves no bytes through Pail, so it is not limited')
            [CompletionResult]::new('--version-id', '--version-id', [CompletionResultType]::ParameterName, 'Download this version of the object (`pail ls --versions` lists them), not the latest')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile from ~/.aws/config or ~/.aws/credentials')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region to sign for (default: the bucket''s own region, found by asking S3)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Copy a folder and everything in it')
            [CompletionResult]::new('--dryrun', '--dryrun', [CompletionResultType]::ParameterName, 'Show what would be copied, and under which names, without copying anything')
            [CompletionResult]::new('--path-style', '--path-style', [CompletionResultType]::ParameterName, 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;mb' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile from ~/.aws/config or ~/.aws/credentials')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region to sign for (default: the bucket''s own region, found by asking S3)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)')
            [CompletionResult]::new('--no-block-public-access', '--no-block-public-access', [CompletionResultType]::ParameterName, 'Leave Block Public Access off (it is turned on, as AWS does for new buckets)')
            [CompletionResult]::new('--path-style', '--path-style', [CompletionResultType]::ParameterName, 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;rb' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile from ~/.aws/config or ~/.aws/credentials')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region to sign for (default: the bucket''s own region, found by asking S3)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Empty it first: every object version, delete marker and unfinished upload goes')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --force: do not ask for the bucket''s name (needed when not in a terminal)')
            [CompletionResult]::new('--path-style', '--path-style', [CompletionResultType]::ParameterName, 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;bucket' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Region, versioning, default encryption, Block Public Access and CORS rules')
            [CompletionResult]::new('versioning', 'versioning', [CompletionResultType]::ParameterValue, 'Turn versioning on, or suspend it (a bucket never goes back to "never versioned")')
            [CompletionResult]::new('cors', 'cors', [CompletionResultType]::ParameterValue, 'Print the CORS rules; check whether pages at an origin may upload; add a rule for one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pail;bucket;info' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile from ~/.aws/config or ~/.aws/credentials')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region to sign for (default: the bucket''s own region, found by asking S3)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)')
            [CompletionResult]::new('--path-style', '--path-style', [CompletionResultType]::ParameterName, 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;bucket;versioning' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile from ~/.aws/config or ~/.aws/credentials')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region to sign for (default: the bucket''s own region, found by asking S3)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)')
            [CompletionResult]::new('--path-style', '--path-style', [CompletionResultType]::ParameterName, 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;bucket;cors' {
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Say whether a page at ORIGIN (https://HOST[:PORT], or null for a file) may upload with a POST form or a PUT link from a script')
            [CompletionResult]::new('--allow-origin', '--allow-origin', [CompletionResultType]::ParameterName, 'Add a rule letting pages at ORIGIN upload (POST and PUT), keeping the rules there')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile from ~/.aws/config or ~/.aws/credentials')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region to sign for (default: the bucket''s own region, found by asking S3)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)')
            [CompletionResult]::new('--path-style', '--path-style', [CompletionResultType]::ParameterName, 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;bucket;help' {
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Region, versioning, default encryption, Block Public Access and CORS rules')
            [CompletionResult]::new('versioning', 'versioning', [CompletionResultType]::ParameterValue, 'Turn versioning on, or suspend it (a bucket never goes back to "never versioned")')
            [CompletionResult]::new('cors', 'cors', [CompletionResultType]::ParameterValue, 'Print the CORS rules; check whether pages at an origin may upload; add a rule for one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pail;bucket;help;info' {
            break
        }
        'pail;bucket;help;versioning' {
            break
        }
        'pail;bucket;help;cors' {
            break
        }
        'pail;bucket;help;help' {
            break
        }
        'pail;demo-server' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;profiles' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Print every profile: name, source, region and endpoint (never a secret)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pail;profiles;list' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;profiles;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Print every profile: name, source, region and endpoint (never a secret)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pail;profiles;help;list' {
            break
        }
        'pail;profiles;help;help' {
            break
        }
        'pail;install-desktop' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;uninstall-desktop' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;man' {
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Write every page (pail.1, pail-presign.1, …) into this folder instead of printing pail.1')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pail;help' {
            [CompletionResult]::new('presign', 'presign', [CompletionResultType]::ParameterValue, 'Print a pre-signed URL that downloads (GET) or uploads (PUT) one object')
            [CompletionResult]::new('presign-post', 'presign-post', [CompletionResultType]::ParameterValue, 'Print a pre-signed POST form that lets a browser or curl upload files')
            [CompletionResult]::new('presign-cloudfront', 'presign-cloudfront', [CompletionResultType]::ParameterValue, 'Print a CloudFront signed URL (links that last past 7 days)')
            [CompletionResult]::new('share', 'share', [CompletionResultType]::ParameterValue, 'Share a folder as one link (an index page), or print a link per object as CSV/JSON')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List buckets, a folder, or (--recursive) everything under a prefix')
            [CompletionResult]::new('find', 'find', [CompletionResultType]::ParameterValue, 'Find objects anywhere under a prefix by name, path, size or date; one key a line')
            [CompletionResult]::new('headers', 'headers', [CompletionResultType]::ParameterValue, 'Show an object''s headers, metadata and tags, or edit them on objects (each copied onto itself, keeping everything the edit does not name)')
            [CompletionResult]::new('upload-headers', 'upload-headers', [CompletionResultType]::ParameterValue, 'A bucket''s default headers for uploads, by pattern (`*.html` → Content-Type)')
            [CompletionResult]::new('cp', 'cp', [CompletionResultType]::ParameterValue, 'Copy files and folders between disk and S3, or between buckets on the server')
            [CompletionResult]::new('mb', 'mb', [CompletionResultType]::ParameterValue, 'Make a bucket (Block Public Access on, as AWS does)')
            [CompletionResult]::new('rb', 'rb', [CompletionResultType]::ParameterValue, 'Delete an empty bucket; with --force, empty it of every version first')
            [CompletionResult]::new('bucket', 'bucket', [CompletionResultType]::ParameterValue, 'A bucket''s properties: info, versioning, CORS rules')
            [CompletionResult]::new('demo-server', 'demo-server', [CompletionResultType]::ParameterValue, 'Run the demo S3 server (sample data, loopback only) until Ctrl+C, for trying the CLI')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'Saved and discovered profiles')
            [CompletionResult]::new('install-desktop', 'install-desktop', [CompletionResultType]::ParameterValue, 'Add Pail to this person''s applications menu, with its icons (Linux; no root needed)')
            [CompletionResult]::new('uninstall-desktop', 'uninstall-desktop', [CompletionResultType]::ParameterValue, 'Remove what install-desktop added')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script, e.g. `pail completions bash > ~/.local/share/bash-completion/completions/pail`')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff), e.g. `pail man > pail.1`, or write them all (--out-dir)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pail;help;presign' {
            break
        }
        'pail;help;presign-post' {
            break
        }
        'pail;help;presign-cloudfront' {
            break
        }
        'pail;help;share' {
            break
        }
        'pail;help;ls' {
            break
        }
        'pail;help;find' {
            break
        }
        'pail;help;headers' {
            break
        }
        'pail;help;upload-headers' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Print every rule (or one bucket''s), one a line')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Add a rule, or replace the bucket''s rule with the same pattern')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove the bucket''s rule with this pattern')
            break
        }
        'pail;help;upload-headers;list' {
            break
        }
        'pail;help;upload-headers;set' {
            break
        }
        'pail;help;upload-headers;remove' {
            break
        }
        'pail;help;cp' {
            break
        }
        'pail;help;mb' {
            break
        }
        'pail;help;rb' {
            break
        }
        'pail;help;bucket' {
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Region, versioning, default encryption, Block Public Access and CORS rules')
            [CompletionResult]::new('versioning', 'versioning', [CompletionResultType]::ParameterValue, 'Turn versioning on, or suspend it (a bucket never goes back to "never versioned")')
            [CompletionResult]::new('cors', 'cors', [CompletionResultType]::ParameterValue, 'Print the CORS rules; check whether pages at an origin may upload; add a rule for one')
            break
        }
        'pail;help;bucket;info' {
            break
        }
        'pail;help;bucket;versioning' {
            break
        }
        'pail;help;bucket;cors' {
            break
        }
        'pail;help;demo-server' {
            break
        }
        'pail;help;profiles' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Print every profile: name, source, region and endpoint (never a secret)')
            break
        }
        'pail;help;profiles;list' {
            break
        }
        'pail;help;install-desktop' {
            break
        }
        'pail;help;uninstall-desktop' {
            break
        }
        'pail;help;completions' {
            break
        }
        'pail;help;man' {
            break
        }
        'pail;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
