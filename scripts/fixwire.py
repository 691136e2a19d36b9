"""FIX 4.4 on the wire for the test scripts (fix_fuzz.py, order_fuzz.py): timestamps, frames with BodyLength and
CheckSum, a byte stream split into frames, and a frame the server sent checked and read."""
import datetime

SOH = b"\x01"

def ts():
    """UTCTimestamp with milliseconds, now."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H:%M:%S.%f")[:-3]

def frame(fields, length_off_by=0, bad_sum=False):
    """A message from (tag, value) pairs (bytes, or anything `str` renders); for fuzzing, a BodyLength
    `length_off_by` too long and a CheckSum one off."""
    body = b"".join(b"%d=%s\x01" % (t, v if isinstance(v, bytes) else str(v).encode()) for t, v in fields)
    msg = b"8=FIX.4.4\x019=%d\x01" % (len(body) + length_off_by) + body
    return msg + b"10=%03d\x01" % ((sum(msg) + (1 if bad_sum else 0)) % 256)

def split_frames(buf):
    """The whole frames at the start of `buf` (each ends with the CheckSum field), and what is left."""
    out = []
    while True:
        i = buf.find(b"\x0110=")
        j = buf.find(SOH, i + 4) if i >= 0 else -1
        if j < 0: return out, buf
        out.append(buf[:j + 1]); buf = buf[j + 1:]

def check_frame(f):
    """The fields of a frame the server sent (tag -> bytes, the trailer left out), once its BeginString,
    BodyLength and CheckSum verify (AssertionError otherwise)."""
    assert f.startswith(b"8=FIX.4.4\x019="), f[:40]
    k = f.index(SOH, 12)
    body_end = k + 1 + int(f[12:k])
    assert f[body_end:body_end + 3] == b"10=", ("bad BodyLength", f)
    assert int(f[body_end + 3:body_end + 6]) == sum(f[:body_end]) % 256, ("bad CheckSum", f)
    return dict((int(p.split(b"=", 1)[0]), p.split(b"=", 1)[1]) for p in f[:body_end].split(SOH) if b"=" in p)
