import pytest

from skranke.organisation.models import Municipality, Region

pytestmark = pytest.mark.django_db


def test_all_98_municipalities_are_loaded_with_code_and_region():
    assert Municipality.objects.count() == 98
    assert Municipality.objects.get(code=101).name == "København"
    assert Municipality.objects.get(code=851).region == Region.NORDJYLLAND


@pytest.mark.parametrize(
    ("region", "count"),
    [
        (Region.HOVEDSTADEN, 29),
        (Region.MIDTJYLLAND, 19),
        (Region.NORDJYLLAND, 11),
        (Region.SJAELLAND, 17),
        (Region.SYDDANMARK, 22),
    ],
)
def test_municipalities_per_region_match_the_official_division(region, count):
    assert Municipality.objects.filter(region=region).count() == count


def test_christiansoe_is_not_a_municipality():
    assert not Municipality.objects.filter(code=411).exists()
