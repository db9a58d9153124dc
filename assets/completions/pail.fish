# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_pail_global_optspecs
    string join \n demo h/help V/version
end

function __fish_pail_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_pail_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_pail_using_subcommand
    set -l cmd (__fish_pail_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c pail -n "__fish_pail_needs_command" -l demo -d 'Open the window on an embedded S3 server with sample data (no AWS account needed)'
complete -c pail -n "__fish_pail_needs_command" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_needs_command" -s V -l version -d 'Print version'
complete -c pail -n "__fish_pail_needs_command" -f -a "presign" -d 'Print a pre-signed URL that downloads (GET) or uploads (PUT) one object'
complete -c pail -n "__fish_pail_needs_command" -f -a "presign-post" -d 'Print a pre-signed POST form that lets a browser or curl upload files'
complete -c pail -n "__fish_pail_needs_command" -f -a "presign-cloudfront" -d 'Print a CloudFront signed URL (links that last past 7 days)'
complete -c pail -n "__fish_pail_needs_command" -f -a "share" -d 'Share a folder as one link (an index page), or print a link per object as CSV/JSON'
complete -c pail -n "__fish_pail_needs_command" -f -a "ls" -d 'List buckets, a folder, or (--recursive) everything under a prefix'
complete -c pail -n "__fish_pail_needs_command" -f -a "find" -d 'Find objects anywhere under a prefix by name, path, size or date; one key a line'
complete -c pail -n "__fish_pail_needs_command" -f -a "headers" -d 'Show an object\'s headers, metadata and tags, or edit them on objects (each copied onto itself, keeping everything the edit does not name)'
complete -c pail -n "__fish_pail_needs_command" -f -a "upload-headers" -d 'A bucket\'s default headers for uploads, by pattern (`*.html` → Content-Type)'
complete -c pail -n "__fish_pail_needs_command" -f -a "cp" -d 'Copy files and folders between disk and S3, or between buckets on the server'
complete -c pail -n "__fish_pail_needs_command" -f -a "mb" -d 'Make a bucket (Block Public Access on, as AWS does)'
complete -c pail -n "__fish_pail_needs_command" -f -a "rb" -d 'Delete an empty bucket; with --force, empty it of every version first'
complete -c pail -n "__fish_pail_needs_command" -f -a "bucket" -d 'A bucket\'s properties: info, versioning, CORS rules'
complete -c pail -n "__fish_pail_needs_command" -f -a "demo-server" -d 'Run the demo S3 server (sample data, loopback only) until Ctrl+C, for trying the CLI'
complete -c pail -n "__fish_pail_needs_command" -f -a "profiles" -d 'Saved and discovered profiles'
complete -c pail -n "__fish_pail_needs_command" -f -a "install-desktop" -d 'Add Pail to this person\'s applications menu, with its icons (Linux; no root needed)'
complete -c pail -n "__fish_pail_needs_command" -f -a "uninstall-desktop" -d 'Remove what install-desktop added'
complete -c pail -n "__fish_pail_needs_command" -f -a "completions" -d 'Print a shell completion script, e.g. `pail completions bash > ~/.local/share/bash-completion/completions/pail`'
complete -c pail -n "__fish_pail_needs_command" -f -a "man" -d 'Print the manual page (roff), e.g. `pail man > pail.1`, or write them all (--out-dir)'
complete -c pail -n "__fish_pail_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pail -n "__fish_pail_using_subcommand presign" -l expires-in -d 'Lifetime: seconds, or 30d, 720h, 45m; up to 7 days, or the profile\'s max_link_lifetime [default: 3600]' -r
complete -c pail -n "__fish_pail_using_subcommand presign" -l expires-at -d 'Moment of expiry: RFC 3339 (2026-12-05T17:00:00+01:00) or local "YYYY-MM-DD HH:MM"' -r
complete -c pail -n "__fish_pail_using_subcommand presign" -l method -d 'GET downloads the object; PUT uploads to its key' -r -f -a "GET\t''
PUT\t''"
complete -c pail -n "__fish_pail_using_subcommand presign" -l content-disposition -d 'GET: the Content-Disposition S3 answers with, e.g. \'attachment; filename="a.pdf"\'' -r
complete -c pail -n "__fish_pail_using_subcommand presign" -l content-type -d 'GET: the Content-Type S3 answers with. PUT: the Content-Type the upload must send' -r
complete -c pail -n "__fish_pail_using_subcommand presign" -l version-id -d 'GET: a link to this version of the object (`pail ls --versions` lists them); it serves that version whatever is written later' -r
complete -c pail -n "__fish_pail_using_subcommand presign" -l base-url -d 'Make the link on this host instead of the endpoint\'s, e.g. https://cdn.example.com/. A signed link is made on it only with --host-kind server or bucket-host' -r
complete -c pail -n "__fish_pail_using_subcommand presign" -l host-kind -d 'What answers at --base-url; it decides which links can use it' -r -f -a "cdn\t'A CDN or a provider\'s custom domain, which rewrites the host: public links only'
bucket-host\t'A bucket named after its host (a CNAME to S3), found by the server from it: signed links too (over HTTP only on AWS)'
server\t'The S3 server itself answers this host and checks it: signed links too'"
complete -c pail -n "__fish_pail_using_subcommand presign" -l profile -d 'A profile from ~/.aws/config or ~/.aws/credentials' -r
complete -c pail -n "__fish_pail_using_subcommand presign" -l region -d 'The region to sign for (default: the bucket\'s own region, found by asking S3)' -r
complete -c pail -n "__fish_pail_using_subcommand presign" -l endpoint-url -d 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)' -r
complete -c pail -n "__fish_pail_using_subcommand presign" -l http -d 'Make an http:// link (the link then travels in clear text)'
complete -c pail -n "__fish_pail_using_subcommand presign" -l no-overwrite -d 'PUT: refuse the upload if the key exists (signs `If-None-Match: *` into the link)'
complete -c pail -n "__fish_pail_using_subcommand presign" -l qr -d 'Also draw the link as a QR code in the terminal (on stderr: stdout stays the URL)'
complete -c pail -n "__fish_pail_using_subcommand presign" -l public -d 'An unsigned link that never expires: printed once an unsigned request shows the object opens for anyone; refused (exit 1, the reason on stderr) when it does not'
complete -c pail -n "__fish_pail_using_subcommand presign" -l even-if-private -d 'With --public: print the link even when the check fails (the reason is a warning)'
complete -c pail -n "__fish_pail_using_subcommand presign" -l path-style -d 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY'
complete -c pail -n "__fish_pail_using_subcommand presign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pail -n "__fish_pail_using_subcommand presign-post" -l max-size -d 'Largest accepted file, in bytes' -r
complete -c pail -n "__fish_pail_using_subcommand presign-post" -l min-size -d 'Smallest accepted file, in bytes' -r
complete -c pail -n "__fish_pail_using_subcommand presign-post" -l content-type -d 'Required content type; a value ending in \'/\' or \'/*\' (image/) accepts any subtype' -r
complete -c pail -n "__fish_pail_using_subcommand presign-post" -l expires-in -d 'Lifetime: seconds, or 30d, 720h, 45m; up to 7 days, or the profile\'s max_link_lifetime [default: 3600]' -r
complete -c pail -n "__fish_pail_using_subcommand presign-post" -l expires-at -d 'Moment of expiry: RFC 3339 (2026-12-05T17:00:00+01:00) or local "YYYY-MM-DD HH:MM"' -r
complete -c pail -n "__fish_pail_using_subcommand presign-post" -l format -r -f -a "json\t'{"url": …, "fields": {…}} as boto3 returns it'
curl\t'A curl command, with a placeholder for the file to upload'
html\t'A standalone HTML upload page'"
complete -c pail -n "__fish_pail_using_subcommand presign-post" -l profile -d 'A profile from ~/.aws/config or ~/.aws/credentials' -r
complete -c pail -n "__fish_pail_using_subcommand presign-post" -l region -d 'The region to sign for (default: the bucket\'s own region, found by asking S3)' -r
complete -c pail -n "__fish_pail_using_subcommand presign-post" -l endpoint-url -d 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)' -r
complete -c pail -n "__fish_pail_using_subcommand presign-post" -l key-prefix -d 'Accept any key starting with KEY; the uploaded file\'s name completes it'
complete -c pail -n "__fish_pail_using_subcommand presign-post" -l http -d 'Make the form post to an http:// URL'
complete -c pail -n "__fish_pail_using_subcommand presign-post" -l path-style -d 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY'
complete -c pail -n "__fish_pail_using_subcommand presign-post" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pail -n "__fish_pail_using_subcommand presign-cloudfront" -l key-id -d 'The ID of the public key the distribution trusts (CloudFront console → Public keys)' -r
complete -c pail -n "__fish_pail_using_subcommand presign-cloudfront" -l private-key -d 'The matching RSA private key, a PEM file (never printed)' -r -F
complete -c pail -n "__fish_pail_using_subcommand presign-cloudfront" -l expires-in -d 'Lifetime in seconds (no 7-day limit: CloudFront links may last months)' -r
complete -c pail -n "__fish_pail_using_subcommand presign-cloudfront" -l expires-at -d 'Moment of expiry: RFC 3339 (2027-06-01T12:00:00+02:00) or local "YYYY-MM-DD HH:MM"' -r
complete -c pail -n "__fish_pail_using_subcommand presign-cloudfront" -l not-before -d 'The link works from this moment on (makes a custom policy)' -r
complete -c pail -n "__fish_pail_using_subcommand presign-cloudfront" -l ip-range -d 'Only requests from this address or CIDR range (makes a custom policy)' -r
complete -c pail -n "__fish_pail_using_subcommand presign-cloudfront" -l qr -d 'Also draw the link as a QR code in the terminal (on stderr: stdout stays the URL)'
complete -c pail -n "__fish_pail_using_subcommand presign-cloudfront" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand share" -l expires-in -d 'Lifetime: seconds, or 30d, 720h, 45m; up to 7 days, or the profile\'s max_link_lifetime [default: 3600]' -r
complete -c pail -n "__fish_pail_using_subcommand share" -l expires-at -d 'Moment of expiry: RFC 3339 (2026-12-05T17:00:00+01:00) or local "YYYY-MM-DD HH:MM"' -r
complete -c pail -n "__fish_pail_using_subcommand share" -l format -r -f -a "url\t'One link to an index page of every object (uploaded to .pail-shares/ in the bucket)'
csv\t'A link per object: key,size,url,expires (no page); control characters in a key are shown as escapes (`\\x1b`, `\\n`, a backslash as `\\\\`), the link stays exact'
json\t'A link per object as a JSON array (no page)'"
complete -c pail -n "__fish_pail_using_subcommand share" -l page-bucket -d 'Put the index page in this bucket instead of the folder\'s own' -r
complete -c pail -n "__fish_pail_using_subcommand share" -l profile -d 'A profile from ~/.aws/config or ~/.aws/credentials' -r
complete -c pail -n "__fish_pail_using_subcommand share" -l region -d 'The region to sign for (default: the bucket\'s own region, found by asking S3)' -r
complete -c pail -n "__fish_pail_using_subcommand share" -l endpoint-url -d 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)' -r
complete -c pail -n "__fish_pail_using_subcommand share" -l yes -d 'Share more than 1,000 objects without being asked to confirm'
complete -c pail -n "__fish_pail_using_subcommand share" -l qr -d 'Also draw the page\'s link as a QR code on stderr (--format url)'
complete -c pail -n "__fish_pail_using_subcommand share" -l path-style -d 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY'
complete -c pail -n "__fish_pail_using_subcommand share" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pail -n "__fish_pail_using_subcommand ls" -l profile -d 'A profile from ~/.aws/config or ~/.aws/credentials' -r
complete -c pail -n "__fish_pail_using_subcommand ls" -l region -d 'The region to sign for (default: the bucket\'s own region, found by asking S3)' -r
complete -c pail -n "__fish_pail_using_subcommand ls" -l endpoint-url -d 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)' -r
complete -c pail -n "__fish_pail_using_subcommand ls" -s r -l recursive -d 'Every object under the prefix, at any depth, with its full key'
complete -c pail -n "__fish_pail_using_subcommand ls" -l versions -d 'Every version and delete marker of the folder\'s objects: date, size, latest, kind (object or marker), version id, name'
complete -c pail -n "__fish_pail_using_subcommand ls" -l path-style -d 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY'
complete -c pail -n "__fish_pail_using_subcommand ls" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand find" -l name -d 'A glob matched against each key\'s last segment, as `find -name` does (`*.pdf`)' -r
complete -c pail -n "__fish_pail_using_subcommand find" -l path -d 'A glob matched against each key\'s path below the folder searched: `*` and `?` stay within one segment, `**` crosses them (`**/2026-??/*.csv`)' -r
complete -c pail -n "__fish_pail_using_subcommand find" -l regex -d 'A regular expression found anywhere in the path below the folder searched (anchor it with ^ and $)' -r
complete -c pail -n "__fish_pail_using_subcommand find" -l contains -d 'Text found anywhere in the path below the folder searched' -r
complete -c pail -n "__fish_pail_using_subcommand find" -l min-size -d 'At least this many bytes (K, M, G or T after the number counts in 1024s)' -r
complete -c pail -n "__fish_pail_using_subcommand find" -l max-size -d 'At most this many bytes' -r
complete -c pail -n "__fish_pail_using_subcommand find" -l newer-than -d 'Modified at or after: a date or time in UTC (2026-03-01, 2026-03-01T14:30) or with its offset (2026-03-01T14:30:00+02:00)' -r
complete -c pail -n "__fish_pail_using_subcommand find" -l older-than -d 'Modified before (as --newer-than)' -r
complete -c pail -n "__fish_pail_using_subcommand find" -l profile -d 'A profile from ~/.aws/config or ~/.aws/credentials' -r
complete -c pail -n "__fish_pail_using_subcommand find" -l region -d 'The region to sign for (default: the bucket\'s own region, found by asking S3)' -r
complete -c pail -n "__fish_pail_using_subcommand find" -l endpoint-url -d 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)' -r
complete -c pail -n "__fish_pail_using_subcommand find" -l case-sensitive -d 'Match case exactly (case is ignored otherwise)'
complete -c pail -n "__fish_pail_using_subcommand find" -l path-style -d 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY'
complete -c pail -n "__fish_pail_using_subcommand find" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand headers" -l content-type -d 'Set Content-Type (`text/html; charset=utf-8`)' -r
complete -c pail -n "__fish_pail_using_subcommand headers" -l cache-control -d 'Set Cache-Control (`public, max-age=31536000`)' -r
complete -c pail -n "__fish_pail_using_subcommand headers" -l content-disposition -d 'Set Content-Disposition (`attachment; filename="report.pdf"`)' -r
complete -c pail -n "__fish_pail_using_subcommand headers" -l content-encoding -d 'Set Content-Encoding (`gzip`)' -r
complete -c pail -n "__fish_pail_using_subcommand headers" -l content-language -d 'Set Content-Language (`en`)' -r
complete -c pail -n "__fish_pail_using_subcommand headers" -l expires -d 'Set Expires: a date or time in UTC (2027-01-01, 2027-01-01T12:00) or with its offset' -r
complete -c pail -n "__fish_pail_using_subcommand headers" -l remove-header -d 'Remove a header (repeat for several)' -r -f -a "content-type\t''
cache-control\t''
content-disposition\t''
content-encoding\t''
content-language\t''
expires\t''"
complete -c pail -n "__fish_pail_using_subcommand headers" -l meta -l metadata -d 'Set user metadata (x-amz-meta-NAME); repeat for several' -r
complete -c pail -n "__fish_pail_using_subcommand headers" -l remove-meta -d 'Remove user metadata by name; repeat for several' -r
complete -c pail -n "__fish_pail_using_subcommand headers" -l storage-class -d 'Set the storage class (STANDARD, STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR, …)' -r
complete -c pail -n "__fish_pail_using_subcommand headers" -l tag -d 'Set a tag; repeat for several (the others are kept)' -r
complete -c pail -n "__fish_pail_using_subcommand headers" -l remove-tag -d 'Remove a tag by key; repeat for several' -r
complete -c pail -n "__fish_pail_using_subcommand headers" -l profile -d 'A profile from ~/.aws/config or ~/.aws/credentials' -r
complete -c pail -n "__fish_pail_using_subcommand headers" -l region -d 'The region to sign for (default: the bucket\'s own region, found by asking S3)' -r
complete -c pail -n "__fish_pail_using_subcommand headers" -l endpoint-url -d 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)' -r
complete -c pail -n "__fish_pail_using_subcommand headers" -s r -l recursive -d 'Every object below each folder given'
complete -c pail -n "__fish_pail_using_subcommand headers" -l dry-run -d 'Print what would change on each object, and change nothing'
complete -c pail -n "__fish_pail_using_subcommand headers" -l path-style -d 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY'
complete -c pail -n "__fish_pail_using_subcommand headers" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and not __fish_seen_subcommand_from list set remove help" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and not __fish_seen_subcommand_from list set remove help" -f -a "list" -d 'Print every rule (or one bucket\'s), one a line'
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and not __fish_seen_subcommand_from list set remove help" -f -a "set" -d 'Add a rule, or replace the bucket\'s rule with the same pattern'
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and not __fish_seen_subcommand_from list set remove help" -f -a "remove" -d 'Remove the bucket\'s rule with this pattern'
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and not __fish_seen_subcommand_from list set remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and __fish_seen_subcommand_from set" -l content-type -d 'Set Content-Type (`text/html; charset=utf-8`)' -r
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and __fish_seen_subcommand_from set" -l cache-control -d 'Set Cache-Control (`public, max-age=31536000`)' -r
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and __fish_seen_subcommand_from set" -l content-disposition -d 'Set Content-Disposition (`attachment; filename="report.pdf"`)' -r
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and __fish_seen_subcommand_from set" -l content-encoding -d 'Set Content-Encoding (`gzip`)' -r
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and __fish_seen_subcommand_from set" -l content-language -d 'Set Content-Language (`en`)' -r
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and __fish_seen_subcommand_from set" -l meta -d 'User metadata (x-amz-meta-NAME); repeat for several' -r
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and __fish_seen_subcommand_from help" -f -a "list" -d 'Print every rule (or one bucket\'s), one a line'
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and __fish_seen_subcommand_from help" -f -a "set" -d 'Add a rule, or replace the bucket\'s rule with the same pattern'
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove the bucket\'s rule with this pattern'
complete -c pail -n "__fish_pail_using_subcommand upload-headers; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pail -n "__fish_pail_using_subcommand cp" -l limit-rate -d 'At most RATE bytes a second for the whole batch, all files together: K, M or G after the number counts in 1024s (500K, 5M, 1.5G), a plain number is bytes. Holds for uploads and downloads; a copy from bucket to bucket is made by the server and moves no bytes through Pail, so it is not limited' -r
complete -c pail -n "__fish_pail_using_subcommand cp" -l version-id -d 'Download this version of the object (`pail ls --versions` lists them), not the latest' -r
complete -c pail -n "__fish_pail_using_subcommand cp" -l profile -d 'A profile from ~/.aws/config or ~/.aws/credentials' -r
complete -c pail -n "__fish_pail_using_subcommand cp" -l region -d 'The region to sign for (default: the bucket\'s own region, found by asking S3)' -r
complete -c pail -n "__fish_pail_using_subcommand cp" -l endpoint-url -d 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)' -r
complete -c pail -n "__fish_pail_using_subcommand cp" -l recursive -d 'Copy a folder and everything in it'
complete -c pail -n "__fish_pail_using_subcommand cp" -l dryrun -d 'Show what would be copied, and under which names, without copying anything'
complete -c pail -n "__fish_pail_using_subcommand cp" -l path-style -d 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY'
complete -c pail -n "__fish_pail_using_subcommand cp" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand mb" -l profile -d 'A profile from ~/.aws/config or ~/.aws/credentials' -r
complete -c pail -n "__fish_pail_using_subcommand mb" -l region -d 'The region to sign for (default: the bucket\'s own region, found by asking S3)' -r
complete -c pail -n "__fish_pail_using_subcommand mb" -l endpoint-url -d 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)' -r
complete -c pail -n "__fish_pail_using_subcommand mb" -l no-block-public-access -d 'Leave Block Public Access off (it is turned on, as AWS does for new buckets)'
complete -c pail -n "__fish_pail_using_subcommand mb" -l path-style -d 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY'
complete -c pail -n "__fish_pail_using_subcommand mb" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand rb" -l profile -d 'A profile from ~/.aws/config or ~/.aws/credentials' -r
complete -c pail -n "__fish_pail_using_subcommand rb" -l region -d 'The region to sign for (default: the bucket\'s own region, found by asking S3)' -r
complete -c pail -n "__fish_pail_using_subcommand rb" -l endpoint-url -d 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)' -r
complete -c pail -n "__fish_pail_using_subcommand rb" -l force -d 'Empty it first: every object version, delete marker and unfinished upload goes'
complete -c pail -n "__fish_pail_using_subcommand rb" -l yes -d 'With --force: do not ask for the bucket\'s name (needed when not in a terminal)'
complete -c pail -n "__fish_pail_using_subcommand rb" -l path-style -d 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY'
complete -c pail -n "__fish_pail_using_subcommand rb" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand bucket; and not __fish_seen_subcommand_from info versioning cors help" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand bucket; and not __fish_seen_subcommand_from info versioning cors help" -f -a "info" -d 'Region, versioning, default encryption, Block Public Access and CORS rules'
complete -c pail -n "__fish_pail_using_subcommand bucket; and not __fish_seen_subcommand_from info versioning cors help" -f -a "versioning" -d 'Turn versioning on, or suspend it (a bucket never goes back to "never versioned")'
complete -c pail -n "__fish_pail_using_subcommand bucket; and not __fish_seen_subcommand_from info versioning cors help" -f -a "cors" -d 'Print the CORS rules; check whether pages at an origin may upload; add a rule for one'
complete -c pail -n "__fish_pail_using_subcommand bucket; and not __fish_seen_subcommand_from info versioning cors help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from info" -l profile -d 'A profile from ~/.aws/config or ~/.aws/credentials' -r
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from info" -l region -d 'The region to sign for (default: the bucket\'s own region, found by asking S3)' -r
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from info" -l endpoint-url -d 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)' -r
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from info" -l path-style -d 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY'
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from info" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from versioning" -l profile -d 'A profile from ~/.aws/config or ~/.aws/credentials' -r
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from versioning" -l region -d 'The region to sign for (default: the bucket\'s own region, found by asking S3)' -r
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from versioning" -l endpoint-url -d 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)' -r
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from versioning" -l path-style -d 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY'
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from versioning" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from cors" -l check -d 'Say whether a page at ORIGIN (https://HOST[:PORT], or null for a file) may upload with a POST form or a PUT link from a script' -r
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from cors" -l allow-origin -d 'Add a rule letting pages at ORIGIN upload (POST and PUT), keeping the rules there' -r
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from cors" -l profile -d 'A profile from ~/.aws/config or ~/.aws/credentials' -r
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from cors" -l region -d 'The region to sign for (default: the bucket\'s own region, found by asking S3)' -r
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from cors" -l endpoint-url -d 'An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a path (https://host.example/storage/s3)' -r
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from cors" -l path-style -d 'Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY'
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from cors" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from help" -f -a "info" -d 'Region, versioning, default encryption, Block Public Access and CORS rules'
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from help" -f -a "versioning" -d 'Turn versioning on, or suspend it (a bucket never goes back to "never versioned")'
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from help" -f -a "cors" -d 'Print the CORS rules; check whether pages at an origin may upload; add a rule for one'
complete -c pail -n "__fish_pail_using_subcommand bucket; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pail -n "__fish_pail_using_subcommand demo-server" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand profiles; and not __fish_seen_subcommand_from list help" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand profiles; and not __fish_seen_subcommand_from list help" -f -a "list" -d 'Print every profile: name, source, region and endpoint (never a secret)'
complete -c pail -n "__fish_pail_using_subcommand profiles; and not __fish_seen_subcommand_from list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pail -n "__fish_pail_using_subcommand profiles; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand profiles; and __fish_seen_subcommand_from help" -f -a "list" -d 'Print every profile: name, source, region and endpoint (never a secret)'
complete -c pail -n "__fish_pail_using_subcommand profiles; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pail -n "__fish_pail_using_subcommand install-desktop" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand uninstall-desktop" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand completions" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand man" -l out-dir -d 'Write every page (pail.1, pail-presign.1, …) into this folder instead of printing pail.1' -r -F
complete -c pail -n "__fish_pail_using_subcommand man" -s h -l help -d 'Print help'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "presign" -d 'Print a pre-signed URL that downloads (GET) or uploads (PUT) one object'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "presign-post" -d 'Print a pre-signed POST form that lets a browser or curl upload files'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "presign-cloudfront" -d 'Print a CloudFront signed URL (links that last past 7 days)'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "share" -d 'Share a folder as one link (an index page), or print a link per object as CSV/JSON'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "ls" -d 'List buckets, a folder, or (--recursive) everything under a prefix'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "find" -d 'Find objects anywhere under a prefix by name, path, size or date; one key a line'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "headers" -d 'Show an object\'s headers, metadata and tags, or edit them on objects (each copied onto itself, keeping everything the edit does not name)'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "upload-headers" -d 'A bucket\'s default headers for uploads, by pattern (`*.html` → Content-Type)'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "cp" -d 'Copy files and folders between disk and S3, or between buckets on the server'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "mb" -d 'Make a bucket (Block Public Access on, as AWS does)'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "rb" -d 'Delete an empty bucket; with --force, empty it of every version first'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "bucket" -d 'A bucket\'s properties: info, versioning, CORS rules'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "demo-server" -d 'Run the demo S3 server (sample data, loopback only) until Ctrl+C, for trying the CLI'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "profiles" -d 'Saved and discovered profiles'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "install-desktop" -d 'Add Pail to this person\'s applications menu, with its icons (Linux; no root needed)'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "uninstall-desktop" -d 'Remove what install-desktop added'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "completions" -d 'Print a shell completion script, e.g. `pail completions bash > ~/.local/share/bash-completion/completions/pail`'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "man" -d 'Print the manual page (roff), e.g. `pail man > pail.1`, or write them all (--out-dir)'
complete -c pail -n "__fish_pail_using_subcommand help; and not __fish_seen_subcommand_from presign presign-post presign-cloudfront share ls find headers upload-headers cp mb rb bucket demo-server profiles install-desktop uninstall-desktop completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pail -n "__fish_pail_using_subcommand help; and __fish_seen_subcommand_from upload-headers" -f -a "list" -d 'Print every rule (or one bucket\'s), one a line'
complete -c pail -n "__fish_pail_using_subcommand help; and __fish_seen_subcommand_from upload-headers" -f -a "set" -d 'Add a rule, or replace the bucket\'s rule with the same pattern'
complete -c pail -n "__fish_pail_using_subcommand help; and __fish_seen_subcommand_from upload-headers" -f -a "remove" -d 'Remove the bucket\'s rule with this pattern'
complete -c pail -n "__fish_pail_using_subcommand help; and __fish_seen_subcommand_from bucket" -f -a "info" -d 'Region, versioning, default encryption, Block Public Access and CORS rules'
complete -c pail -n "__fish_pail_using_subcommand help; and __fish_seen_subcommand_from bucket" -f -a "versioning" -d 'Turn versioning on, or suspend it (a bucket never goes back to "never versioned")'
complete -c pail -n "__fish_pail_using_subcommand help; and __fish_seen_subcommand_from bucket" -f -a "cors" -d 'Print the CORS rules; check whether pages at an origin may upload; add a rule for one'
complete -c pail -n "__fish_pail_using_subcommand help; and __fish_seen_subcommand_from profiles" -f -a "list" -d 'Print every profile: name, source, region and endpoint (never a secret)'
