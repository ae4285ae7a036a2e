//! Writes a minimal EXIF block (camera, orientation, shooting time) into a JPEG. The demo
//! library and the tests make real photos with it.

/// `taken` is EXIF's local time `YYYY:MM:DD HH:MM:SS`; `offset` like `+09:00`.
pub fn with_exif(jpeg: &[u8], make: &str, model: &str, taken: &str, offset: &str) -> Vec<u8> {
    assert!(jpeg.starts_with(&[0xFF, 0xD8]), "not a JPEG");
    const ASCII: u16 = 2;
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    let z = |s: &str| {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        v
    };
    // IFD0: Make, Model, Orientation, ExifIFD pointer. Exif IFD: DateTimeOriginal, OffsetTimeOriginal.
    let ifd0: Vec<(u16, u16, Vec<u8>)> = vec![
        (0x010F, ASCII, z(make)),
        (0x0110, ASCII, z(model)),
        (0x0112, SHORT, 1u16.to_be_bytes().to_vec()),
        (0x8769, LONG, vec![]), // filled below
    ];
    let exif_ifd: Vec<(u16, u16, Vec<u8>)> =
        vec![(0x9003, ASCII, z(taken)), (0x9011, ASCII, z(offset))];

    let ifd_len = |n: usize| 2 + n * 12 + 4;
    let data_len = |entries: &[(u16, u16, Vec<u8>)]| -> usize {
        entries
            .iter()
            .map(|(_, _, v)| if v.len() > 4 { v.len() } else { 0 })
            .sum()
    };
    let ifd0_at = 8;
    let ifd0_data_at = ifd0_at + ifd_len(ifd0.len());
    let exif_at = ifd0_data_at + data_len(&ifd0);
    let exif_data_at = exif_at + ifd_len(exif_ifd.len());

    let mut tiff = b"MM\x00\x2A\x00\x00\x00\x08".to_vec();
    let write_ifd = |tiff: &mut Vec<u8>, entries: &[(u16, u16, Vec<u8>)], mut data_at: usize| {
        let mut data = Vec::new();
        tiff.extend((entries.len() as u16).to_be_bytes());
        for (tag, kind, value) in entries {
            tiff.extend(tag.to_be_bytes());
            tiff.extend(kind.to_be_bytes());
            let count = if *kind == ASCII {
                value.len() as u32
            } else {
                1
            };
            tiff.extend(count.to_be_bytes());
            let value = if *tag == 0x8769 {
                (exif_at as u32).to_be_bytes().to_vec()
            } else {
                value.clone()
            };
            if value.len() > 4 {
                tiff.extend((data_at as u32).to_be_bytes());
                data_at += value.len();
                data.extend(value);
            } else {
                let mut inline = value;
                inline.resize(4, 0);
                tiff.extend(inline);
            }
        }
        tiff.extend(0u32.to_be_bytes());
        tiff.extend(data);
    };
    write_ifd(&mut tiff, &ifd0, ifd0_data_at);
    write_ifd(&mut tiff, &exif_ifd, exif_data_at);

    let mut app1 = vec![0xFF, 0xE1];
    app1.extend(((2 + 6 + tiff.len()) as u16).to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}
