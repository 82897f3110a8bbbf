def workplace(request):
    return {}
