"""The simulator's assumptions in one place: arrival profiles, service mix, service times, outcomes, behaviour.

Plain data and arithmetic, no database. Where a figure has a source it is
cited beside it with its original source; every other figure is Skranke's own
assumption, marked [U], chosen to look like a Danish Borgerservice and
library front desk and to give the dashboards something real to show.
"""

import datetime as dt
import math
import random
from collections.abc import Sequence

from stdnum.dk import cpr as stdnum_cpr

# Arrivals

# How busy walk-ins keep a counter on an average day, by area [U]: the arrival rate is set from it and the
# mix's mean service time. Borgerservice counters also serve the booked times (BOOKING_FILL of the lanes), so
# they are ~80 % busy in all and the Monday and lunchtime peaks build queues; Greve's walk-in waits of 14-20
# minutes (Sjællandske Nyheder, sn.dk, 15 July 2017) are the order of magnitude aimed at (the demo gets ~6
# on average, 18 at the 90th percentile). Library desks answer short questions and seldom have a queue. The
# demo's time budget (four weeks in about 80 seconds) rules out more volume.
WALK_IN_LOAD = {"LIBRARY": 0.25, "CITIZEN_SERVICE": 0.6}
# A library staff member at a Borgerservice counter takes only part of its work: counted as half a counter.
LIBRARY_AUTHORITY_SEAT = 0.5
# Monday busiest, Friday quieter, Saturday only at the library [U].
WEEKDAY_FACTOR = {0: 1.25, 1: 1.0, 2: 0.95, 3: 0.95, 4: 0.8, 5: 0.7, 6: 0.5}
# A day open longer than usual draws more citizens, but not in proportion: most would have come anyway. The
# day's walk-ins grow with the square root of its opening hours over the usual day's [U].
LONGER_DAY_EXPONENT = 0.5
# Relative arrivals by the hour the visit starts in: a lunchtime and an after-work peak [U].
HOUR_WEIGHT = {
    8: 0.8,
    9: 0.9,
    10: 1.0,
    11: 1.15,
    12: 1.35,
    13: 1.1,
    14: 0.95,
    15: 1.15,
    16: 1.25,
    17: 1.0,
    18: 0.75,
    19: 0.5,
}
OTHER_HOUR_WEIGHT = 0.5


def arrival_times(
    rng: random.Random,
    windows: Sequence[tuple[float, float]],
    *,
    per_hour: float,
    weekday: int,
    usual_hours: float,
) -> list[float]:
    """Arrival moments (seconds after local midnight) in the opening `windows`, as a Poisson process.

    The day's expected total is `per_hour` × `usual_hours` × the weekday's factor, scaled by
    (open hours ÷ usual hours) ** LONGER_DAY_EXPONENT. Within the day the rate is piecewise constant by
    clock hour, in proportion to the hour's weight.
    """
    pieces = []
    for start, end in windows:
        edge = start
        while edge < end:
            hour = int(edge // 3600)
            stop = min(end, (hour + 1) * 3600)
            pieces.append((edge, stop, HOUR_WEIGHT.get(hour, OTHER_HOUR_WEIGHT)))
            edge = stop
    open_seconds = sum(stop - start for start, stop, _ in pieces)
    if not open_seconds or per_hour <= 0:
        return []
    hours = open_seconds / 3600
    usual_hours = usual_hours or hours
    total = per_hour * usual_hours * WEEKDAY_FACTOR[weekday] * (hours / usual_hours) ** LONGER_DAY_EXPONENT
    weighted = sum((stop - start) * weight for start, stop, weight in pieces)
    times = []
    for start, stop, weight in pieces:
        rate = total * weight / weighted
        moment = start + rng.expovariate(rate)
        while moment < stop:
            times.append(moment)
            moment += rng.expovariate(rate)
    return times


# The service mix

# Walk-in weights [U], informed by what municipal web pages say lands at the desk: mandatory self-service (health card,
# moving, Digital Post, pension, housing benefit) brings guidance; passports, driving licences and MitID are
# the authority work most often named. A service of the queue not listed weighs DEFAULT_WEIGHT.
WALK_IN_WEIGHTS = {
    # Borgerservice
    "passport-application": 6,
    "passport-collection": 10,
    "passport-photo": 2,
    "lost-passport": 1,
    "id-card": 1.5,
    "driving-licence-renewal": 6,
    "driving-licence-duplicate": 1.5,
    "driving-licence-international": 1,
    "driving-licence-exchange": 0.7,
    "driving-licence-temporary": 0.5,
    "health-card": 8,
    "health-card-temporary": 4,
    "doctor-change": 4,
    "address-change": 7,
    "moving-to-denmark": 2,
    "emigration": 1,
    "name-address-protection": 0.7,
    "co-address": 0.8,
    "eu-registration": 1.5,
    "residence-certificate": 1.5,
    "marriage-conditions": 1,
    "name-change": 0.7,
    "birth-certificate": 0.5,
    "mitid-issuance": 7,
    "mitid-help": 7,
    "digital-post-help": 6,
    "digital-post-exemption": 2,
    "digital-power-of-attorney": 2,
    "self-service-help": 4,
    "nemkonto": 1.5,
    "tax-help": 3,
    "pension-guidance": 3,
    "helbredstillaeg": 1,
    "personal-supplement": 0.7,
    "housing-benefit": 2.5,
    "child-benefit": 1,
    "funeral-assistance": 0.5,
    "unemployment": 1,
    "school-enrolment-help": 0.7,
    "childcare-waiting-list-help": 0.7,
    "hearing-aid-batteries": 1.5,
    "disabled-parking-card": 0.5,
    "eu-health-card": 2,
    "general-guidance": 4,
    # Library
    "library-loan": 10,
    "library-return": 6,
    "library-reservation": 8,
    "library-fees": 4,
    "library-card": 5,
    "library-pin-code": 6,
    "printing-scanning-copying": 9,
    "library-wifi": 3,
    "room-booking": 2,
    "library-events": 2,
    "it-help": 5,
    "digital-skills-course": 1.5,
    "ereolen-help": 3,
    "interlibrary-loan": 2,
    "reading-advice": 4,
    "lost-and-found": 1,
}
DEFAULT_WEIGHT = 0.5
# Guidance at a library desk (a library-only site takes it) is asked for less than at Borgerservice [U].
GUIDANCE_AT_LIBRARY = 0.4
# A service the municipality says needs an appointment (Roskilde: passports) is rarely a walk-in [U].
NEEDS_APPOINTMENT_WALK_IN = 0.2
# At a combined site whose library staff do some authority work, citizens come there for those tasks [U].
MOVED_TO_LIBRARY = 3.0
# Visits with a second service, drawn from the first one's related services in the catalogue [U].
TWO_SERVICES = {"LIBRARY": 0.08, "CITIZEN_SERVICE": 0.15}

# Appointments [U]

# Share of a day's bookable slot starts (lanes × start times) that get booked.
BOOKING_FILL = 0.3
BOOKING_WEIGHTS = {"passport-application": 5, "driving-licence-renewal": 3, "mitid-issuance": 2}
BOOKING_TWO_SERVICES = 0.1
# Booked the same morning, once the emergency slots are released; the rest 1-21 days ahead.
BOOKING_SAME_DAY = 0.1
BOOKING_DAYS_AHEAD = (1, 21)
APPOINTMENT_NO_SHOW = 0.08
# Arrive more than the grace period late: checked in as a walk-in.
APPOINTMENT_LATE = 0.07

# Service times

# Lognormal around the catalogue duration (the municipality's own, if set): the mean is the duration,
# sigma 0.45 gives a long right tail (a coefficient of variation of ~0.47) [U].
SERVICE_SIGMA = 0.45
# Staff whose authorisation for the service began less than this long ago are slower by NEW_FACTOR [U].
NEW_AUTHORISATION_DAYS = 60
NEW_FACTOR = 1.3
WALK_TO_COUNTER = (20, 60)  # seconds from the call to the start of service
# Seconds from a ticket appearing, or the last citizen leaving, to pressing "call next" (the screen's poll, a click).
CALL_DELAY = (3, 20)
MISSED_FIRST_CALL = 0.03  # did not hear the first call; came after a recall
RECALL_AFTER = 75  # seconds
# Walk-ins give up after a while: a minimum and then exponentially distributed, mean in minutes [U].
PATIENCE_MIN_MINUTES = 10
PATIENCE_MEAN_MINUTES = 50
# Of those who give up, the share who cancel on the phone page; the rest just leave (a no-show when called).
GIVE_UP_CANCELS = 0.5

# Outcomes [U]: (RESOLVED, REFERRED, FOLLOW_UP, NOT_POSSIBLE) by kind of service.
OUTCOMES = {
    "LIBRARY": (0.95, 0.02, 0.02, 0.01),
    "GUIDANCE": (0.82, 0.10, 0.05, 0.03),
    "AUTHORITY": (0.85, 0.05, 0.07, 0.03),
}
# Library staff doing authority work: fewer resolved, more referred and followed up (the worry the 2015
# debate voiced, Ugebrevet A4 on the DB survey of 2015; the size is an assumption, large enough for four
# weeks of demo data to show it).
LIBRARY_STAFF_AUTHORITY = (-0.10, 0.05, 0.04, 0.01)
# Staff with a new authorisation for the service.
NEW_STAFF = (-0.04, 0.0, 0.03, 0.01)
OUTCOME_NAMES = ("RESOLVED", "REFERRED", "FOLLOW_UP", "NOT_POSSIBLE")
SHOWN_HOW = 0.6  # guidance where the citizen was shown how, else done for them

# Whom a citizen is referred to, by service; else by kind.
REFERRALS = {
    "pension-guidance": "Udbetaling Danmark",
    "housing-benefit": "Udbetaling Danmark",
    "child-benefit": "Udbetaling Danmark",
    "funeral-assistance": "Udbetaling Danmark",
    "eu-health-card": "Udbetaling Danmark",
    "helbredstillaeg": "Udbetaling Danmark",
    "tax-help": "Skattestyrelsen",
    "hearing-aid-batteries": "Regionens høreklinik",
    "disabled-parking-card": "DH Brugerservice",
    "name-change": "Personregisterføreren i sognet",
    "birth-certificate": "Personregisterføreren i sognet",
    "marriage-conditions": "Familieretshuset",
    "eu-registration": "SIRI",
    "lost-passport": "Politiet",
    "unemployment": "Jobcenteret",
    "nemkonto": "Borgerens bank",
    "driving-licence-renewal": "Færdselsstyrelsen",
    "driving-licence-duplicate": "Færdselsstyrelsen",
    "driving-licence-exchange": "Færdselsstyrelsen",
    "driving-licence-temporary": "Færdselsstyrelsen",
}
REFERRAL_BY_KIND = {
    "LIBRARY": "Bibliotekets fagpersonale",
    "GUIDANCE": "Borgerservice, tidsbestilling",
    "AUTHORITY": "Borgerservice, tidsbestilling",
}
LIBRARY_STAFF_REFERRAL = "En borgerservicemedarbejder"

# Citizens: a CPR number is recorded for this share of contacts, by the kind of their first service [U].
CPR_SHARE = {"LIBRARY": 0.0, "GUIDANCE": 0.25, "AUTHORITY": 0.7}
# The chance the same citizen comes back for the same service within RETURN_DAYS, by outcome [U].
RETURN_CHANCE = {"RESOLVED": 0.03, "REFERRED": 0.1, "FOLLOW_UP": 0.5, "NOT_POSSIBLE": 0.3}
RETURN_DAYS = (1, 14)

# Satisfaction [U]: one question, five faces.
SATISFACTION_SHARE = 0.15
FACE_WEIGHTS = (0.04, 0.06, 0.10, 0.30, 0.50)  # faces 1..5
TABLET_SHARE = 0.6
COMMENT_SHARE = 0.2
COMMENTS = {
    1: ("Alt for lang ventetid.", "Jeg fik ikke løst det, jeg kom for."),
    2: ("Ventede længe.", "Svært at finde ud af, hvor jeg skulle hen."),
    3: ("Det gik, men jeg skal komme igen.", "Okay service."),
    4: ("God hjælp.", "Venlig medarbejder."),
    5: ("Rigtig god og hurtig hjælp!", "Tak for tålmodigheden.", "Super service."),
}


def walk_in_weight(*, key: str, kind: str, area: str, needs_appointment: bool, moved: bool = False) -> float:
    """How often a service is asked for by walk-ins in `area`, relative to the others."""
    weight = WALK_IN_WEIGHTS.get(key, DEFAULT_WEIGHT)
    if area == "LIBRARY" and kind == "GUIDANCE":
        weight *= GUIDANCE_AT_LIBRARY
    if needs_appointment:
        weight *= NEEDS_APPOINTMENT_WALK_IN
    if moved:
        weight *= MOVED_TO_LIBRARY
    return weight


def walk_ins_per_hour(*, area: str, counters: float, mix: Sequence[tuple[float, float]]) -> float:
    """Walk-ins per open hour that keep `counters` WALK_IN_LOAD busy; `mix` is (weight, minutes) per service."""
    total = sum(weight for weight, _minutes in mix)
    if not total or not counters:
        return 0.0
    minutes = sum(weight * m for weight, m in mix) / total * (1 + TWO_SERVICES[area])
    return WALK_IN_LOAD[area] * counters * 60 / minutes


def lognormal_seconds(rng: random.Random, mean_minutes: float, *, factor: float = 1.0) -> float:
    """A service time in seconds whose mean is `mean_minutes` × `factor`, at least 30 seconds."""
    mean = mean_minutes * 60 * factor
    mu = math.log(mean) - SERVICE_SIGMA**2 / 2
    return max(30.0, rng.lognormvariate(mu, SERVICE_SIGMA))


def weighted_choice(rng: random.Random, items: Sequence, weights: Sequence[float]):
    return rng.choices(items, weights=weights, k=1)[0]


def outcome_weights(kind: str, *, library_staff: bool, new_authorisation: bool) -> list[float]:
    weights = list(OUTCOMES[kind])
    if kind == "AUTHORITY" and library_staff:
        weights = [w + d for w, d in zip(weights, LIBRARY_STAFF_AUTHORITY, strict=True)]
    if new_authorisation:
        weights = [w + d for w, d in zip(weights, NEW_STAFF, strict=True)]
    return [max(0.0, w) for w in weights]


def face(rng: random.Random, *, wait_minutes: float, resolved: bool) -> int:
    """A face 1-5: mostly happy, one face lower now and then after a long wait or an unresolved visit."""
    value = weighted_choice(rng, (1, 2, 3, 4, 5), FACE_WEIGHTS)
    if wait_minutes > 20 and rng.random() < 0.4:
        value -= 1
    if not resolved and rng.random() < 0.5:
        value -= 1
    return max(1, value)


# CPR numbers for simulated citizens


def make_cpr(rng: random.Random) -> str:
    """A made-up CPR number that passes python-stdnum's checks and the old modulus 11 rule.

    Born 1937-2007: a 7th digit of 0-3 gives the 1900s, 4 with years 00-36 the 2000s
    (CPR-kontoret's rules for the 7th digit).
    """
    while True:
        born = dt.date(1937, 1, 1) + dt.timedelta(days=rng.randrange(71 * 365))
        seventh = rng.randrange(4) if born.year < 2000 else 4
        first9 = f"{born:%d%m%y}{seventh}{rng.randrange(100):02d}"
        # Weights 4,3,2,7,6,5,4,3,2 on the first nine digits; the tenth makes the sum divisible by 11.
        check = -stdnum_cpr.checksum(first9 + "0") % 11
        if check < 10:
            number = first9 + str(check)
            stdnum_cpr.validate(number)
            return number
